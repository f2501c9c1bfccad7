package dev.sockeye.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Renders benchmark rows and the ratios of peers to Sockeye at the same concurrency. Stateless. */
final class BenchTable {
  /** The system name of the process-creation floor row ({@link PeerBench#floor}): no target, not a peer to beat. */
  static final String FLOOR = "/bin/true";

  private BenchTable() {}

  /** One concurrency level of one system; {@code error} is set when it could not run. */
  record Row(String system, int concurrency, int count, Histogram create, Histogram destroy, double perSecond,
      String error) {
    static Row failed(String system, int concurrency, String error) {
      return new Row(system, concurrency, 0, null, null, 0, error);
    }
  }

  static String render(List<Row> ours, List<Row> peers) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%-9s %4s %6s %11s %11s %11s %11s %10s  %s%n", "system", "conc", "count",
        "ready p50", "ready p99", "destroy p50", "destroy p99", "per second", "vs sockeye (p50 / per second)"));
    for (Row r : ours) {
      out.append(line(r, ""));
    }
    for (Row p : peers) {
      Row mine = ours.stream().filter(o -> o.concurrency() == p.concurrency()).findFirst().orElse(null);
      out.append(line(p, ratio(p, mine)));
    }
    if (peers.stream().anyMatch(p -> !p.system().equals(FLOOR))) {
      out.append(sideBySide(ours, peers));
    }
    return out.toString();
  }

  /**
   * One line per concurrency: Sockeye's p50 and rate next to each peer's, with how many times faster Sockeye is
   * and the targets (10x runc, 100x Docker on p50; over 500 sandboxes/s at concurrency 10).
   */
  private static String sideBySide(List<Row> ours, List<Row> peers) {
    List<String> systems = peers.stream().map(Row::system).distinct().toList();
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nside by side (p50 create-to-ready; "
        + "Nx = peer p50 / sockeye p50, target: runc 10x, docker 100x, sockeye >500/s at 10)%n%4s %22s", "conc",
        "sockeye p50, per s"));
    systems.forEach(s -> out.append(String.format(Locale.ROOT, " %30s", s + " p50, per s, Nx")));
    out.append(System.lineSeparator());
    for (Row mine : ours) {
      if (mine.error() != null) {
        continue;
      }
      out.append(String.format(Locale.ROOT, "%4d %22s", mine.concurrency(),
          ms(mine.create(), 50) + ", " + Math.round(mine.perSecond()) + "/s"));
      for (String system : systems) {
        Row peer = peers.stream().filter(p -> p.system().equals(system) && p.concurrency() == mine.concurrency())
            .findFirst().orElse(null);
        String cell = peer == null || peer.error() != null ? "not run"
            : String.format(Locale.ROOT, "%s, %d/s, %.1fx %s", ms(peer.create(), 50), Math.round(peer.perSecond()),
                latencyRatio(peer, mine), system.equals(FLOOR) ? "(floor)"
                    : latencyRatio(peer, mine) >= target(system) ? "(met)" : "(missed)");
        out.append(String.format(Locale.ROOT, " %30s", cell));
      }
      out.append(System.lineSeparator());
    }
    return out.toString();
  }

  private static double target(String system) {
    return system.equals("docker") ? 100 : 10;
  }

  private static double latencyRatio(Row peer, Row mine) {
    return (double) peer.create().getValueAtPercentile(50) / mine.create().getValueAtPercentile(50);
  }

  private static String line(Row r, String ratio) {
    if (r.error() != null) {
      return String.format(Locale.ROOT, "%-9s %4d  not run: %s%n", r.system(), r.concurrency(), r.error());
    }
    return String.format(Locale.ROOT, "%-9s %4d %6d %11s %11s %11s %11s %10.0f  %s%n", r.system(), r.concurrency(),
        r.count(), ms(r.create(), 50), ms(r.create(), 99), r.destroy() == null ? "-" : ms(r.destroy(), 50),
        r.destroy() == null ? "-" : ms(r.destroy(), 99), r.perSecond(), ratio);
  }

  private static String ratio(Row peer, Row mine) {
    if (mine == null || mine.error() != null || peer.error() != null) {
      return "";
    }
    if (peer.system().equals(FLOOR)) {
      return String.format(Locale.ROOT, "floor: sockeye takes %.1fx its p50 and gets %.0f%% of its rate",
          1 / latencyRatio(peer, mine), 100 * mine.perSecond() / peer.perSecond());
    }
    return String.format(Locale.ROOT, "%.1fx slower, %.1fx fewer/s", latencyRatio(peer, mine), mine.perSecond() / peer.perSecond());
  }

  private static String ms(Histogram h, double percentile) {
    return String.format(Locale.ROOT, "%.2f ms", h.getValueAtPercentile(percentile) / 1000.0);
  }
}
