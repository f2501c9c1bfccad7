package dev.sockeye.cli;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** Renders benchmark rows and the ratios of peers to Sockeye at the same concurrency. Stateless. */
final class BenchTable {
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
    out.append(String.format(Locale.ROOT, "%-8s %4s %6s %11s %11s %11s %11s %10s  %s%n", "system", "conc", "count",
        "ready p50", "ready p99", "destroy p50", "destroy p99", "per second", "vs sockeye (p50 / per second)"));
    for (Row r : ours) {
      out.append(line(r, ""));
    }
    for (Row p : peers) {
      Row mine = ours.stream().filter(o -> o.concurrency() == p.concurrency()).findFirst().orElse(null);
      out.append(line(p, ratio(p, mine)));
    }
    return out.toString();
  }

  private static String line(Row r, String ratio) {
    if (r.error() != null) {
      return String.format(Locale.ROOT, "%-8s %4d  not run: %s%n", r.system(), r.concurrency(), r.error());
    }
    return String.format(Locale.ROOT, "%-8s %4d %6d %11s %11s %11s %11s %10.0f  %s%n", r.system(), r.concurrency(),
        r.count(), ms(r.create(), 50), ms(r.create(), 99), r.destroy() == null ? "-" : ms(r.destroy(), 50),
        r.destroy() == null ? "-" : ms(r.destroy(), 99), r.perSecond(), ratio);
  }

  private static String ratio(Row peer, Row mine) {
    if (mine == null || mine.error() != null || peer.error() != null) {
      return "";
    }
    double latency = (double) peer.create().getValueAtPercentile(50) / mine.create().getValueAtPercentile(50);
    return String.format(Locale.ROOT, "%.1fx slower, %.1fx fewer/s", latency, mine.perSecond() / peer.perSecond());
  }

  private static String ms(Histogram h, double percentile) {
    return String.format(Locale.ROOT, "%.2f ms", h.getValueAtPercentile(percentile) / 1000.0);
  }
}
