package dev.sockeye.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Writes a report directory from measured results: {@code report.md}, one CSV of raw numbers per question and
 * PNG charts. Writes only what was measured; a question without results gets a line saying why. Stateless.
 */
final class ReportWriter {
  /** What the report shows; {@code sandbox} or {@code coldStart} is null when that step did not run, with {@code notes} saying why. */
  record Report(String header, BenchSandboxCommand.Results sandbox, ColdStartCommand.Results coldStart, List<String> notes) {}

  private static final List<String> PATHS = List.of("fresh", "root zygote", "best zygote", "best+sandbox", "warm");
  private static final String SCALE = "Not implemented yet: scaling with the number of functions (1, 10, 100, 1,000) over"
      + " 1-100 package sets (tree memory, hit rate, p50/p99 cold start) has no benchmark yet, so this report shows no numbers for it.";

  private ReportWriter() {}

  static Path write(Path dir, Report report) throws IOException {
    Files.createDirectories(dir);
    StringBuilder md = new StringBuilder("# Sockeye evaluation (SOCK's questions)\n\n").append(report.header()).append("\n\n");
    report.notes().forEach(n -> md.append("- ").append(n).append('\n'));
    md.append("\n## 1. Sandbox start vs Docker and runc\n\n");
    if (report.sandbox() == null) {
      md.append("Not measured in this run.\n");
    } else {
      sandbox(dir, report.sandbox(), md);
    }
    md.append("\n## 2. Cold start by start path\n\n");
    if (report.coldStart() == null) {
      md.append("Not measured in this run.\n");
    } else {
      coldStart(dir, report.coldStart(), md);
    }
    md.append("\n## 3. Scale with the number of functions\n\n").append(SCALE).append('\n');
    md.append("\n## 4. Image resize (Pillow) cold and warm\n\n");
    ColdStartBench.Result pillow = report.coldStart() == null ? null
        : report.coldStart().functions().stream().filter(r -> r.function().equals("pillow")).findFirst().orElse(null);
    if (pillow == null) {
      md.append("Not measured in this run.\n");
    } else {
      resize(dir, pillow, md);
    }
    Path file = dir.resolve("report.md");
    Files.writeString(file, md);
    return file;
  }

  private static void sandbox(Path dir, BenchSandboxCommand.Results r, StringBuilder md) throws IOException {
    List<BenchTable.Row> all = new ArrayList<>(r.ours());
    all.addAll(r.peers());
    StringBuilder csv = new StringBuilder("system,concurrency,count,ready_p50_ms,ready_p99_ms,destroy_p50_ms,destroy_p99_ms,per_second,error\n");
    md.append("Create-to-ready (Sockeye: sandbox built, instance forked into it and listening; runc/Docker: `/bin/true`"
        + " run to exit; `/bin/true`: the same process started with no sandbox, the floor). Raw numbers: `sandbox.csv`.\n\n")
        .append("| system | concurrency | count | p50 ms | p99 ms | per second |\n|---|---:|---:|---:|---:|---:|\n");
    for (BenchTable.Row row : all) {
      if (row.error() != null) {
        csv.append(String.format(Locale.ROOT, "%s,%d,0,,,,,,%s%n", row.system(), row.concurrency(), quote(row.error())));
        md.append(String.format(Locale.ROOT, "| %s | %d | not run: %s | | | |%n", row.system(), row.concurrency(), row.error().replace('|', '/')));
        continue;
      }
      csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.3f,%.3f,%s,%s,%.1f,%n", row.system(), row.concurrency(), row.count(),
          ms(row.create(), 50), ms(row.create(), 99), row.destroy() == null ? "" : String.format(Locale.ROOT, "%.3f", ms(row.destroy(), 50)),
          row.destroy() == null ? "" : String.format(Locale.ROOT, "%.3f", ms(row.destroy(), 99)), row.perSecond()));
      md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.2f | %.0f |%n", row.system(), row.concurrency(), row.count(),
          ms(row.create(), 50), ms(row.create(), 99), row.perSecond()));
    }
    Files.writeString(dir.resolve("sandbox.csv"), csv);
    md.append(String.format(Locale.ROOT, "%nSockeye one at a time with the zygote's spares ready (an idle service): p50 %.2f ms, p99 %.2f ms.%n%n",
        ms(r.idle(), 50), ms(r.idle(), 99)));
    chart(md, dir, "sandbox-p50.png", file -> ReportCharts.lines(file, "Sandbox create-to-ready p50", "concurrency", "ms (log)", true,
        series(all, row -> ms(row.create(), 50))));
    chart(md, dir, "sandbox-rate.png", file -> ReportCharts.lines(file, "Sandboxes per second", "concurrency", "per second", false,
        series(all, BenchTable.Row::perSecond)));
  }

  private static List<ReportCharts.Line> series(List<BenchTable.Row> rows, Function<BenchTable.Row, Double> y) {
    Map<String, List<double[]>> bySystem = new LinkedHashMap<>();
    rows.stream().filter(row -> row.error() == null)
        .forEach(row -> bySystem.computeIfAbsent(row.system(), s -> new ArrayList<>()).add(new double[] {row.concurrency(), y.apply(row)}));
    return bySystem.entrySet().stream().map(e -> new ReportCharts.Line(e.getKey(), e.getValue())).toList();
  }

  private static void coldStart(Path dir, ColdStartCommand.Results r, StringBuilder md) throws IOException {
    StringBuilder csv = new StringBuilder("function,start,samples,p50_ms,p99_ms\n");
    md.append("Event-to-result latency (each zygote sample starts with the zygote's spares ready). Raw numbers: `coldstart.csv`.\n\n")
        .append("| function | start | samples | p50 ms | p99 ms | p50 vs fresh |\n|---|---|---:|---:|---:|---:|\n");
    Map<String, List<Double>> bars = new LinkedHashMap<>();
    for (ColdStartBench.Result f : r.functions()) {
      List<Samples> paths = paths(f);
      for (int i = 0; i < PATHS.size(); i++) {
        Samples s = paths.get(i);
        if (s == null) {
          continue;
        }
        csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.3f,%.3f%n", f.function(), PATHS.get(i), s.count(), s.percentileMillis(50), s.percentileMillis(99)));
        md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.2f | %.2f | %.1fx |%n", f.function(), PATHS.get(i), s.count(),
            s.percentileMillis(50), s.percentileMillis(99), f.fresh().percentileMillis(50) / s.percentileMillis(50)));
        bars.computeIfAbsent(PATHS.get(i), p -> new ArrayList<>());
      }
    }
    for (String path : bars.keySet()) {
      for (ColdStartBench.Result f : r.functions()) {
        Samples s = paths(f).get(PATHS.indexOf(path));
        bars.get(path).add(s == null ? null : s.percentileMillis(50));
      }
    }
    Files.writeString(dir.resolve("coldstart.csv"), csv);
    if (r.pss() > 0) {
      md.append(String.format(Locale.ROOT, "%nWarm pandas instances and their zygote: %.0f MB PSS in total.%n", r.pss() / 1e6));
    }
    md.append('\n');
    chart(md, dir, "coldstart.png", file -> ReportCharts.bars(file, "Cold start p50 by start path", "ms (log)", true,
        r.functions().stream().map(ColdStartBench.Result::function).toList(), bars));
  }

  private static void resize(Path dir, ColdStartBench.Result pillow, StringBuilder md) throws IOException {
    StringBuilder csv = new StringBuilder("start,samples,p50_ms,p99_ms\n");
    md.append("The `pillow` function of question 2 is this workload: a handler that opens a 640x480 JPEG event with Pillow,"
        + " resizes it to 128x96 and returns the JPEG. Raw numbers: `resize.csv`.\n\n| start | samples | p50 ms | p99 ms |\n|---|---:|---:|---:|\n");
    List<String> names = new ArrayList<>();
    Map<String, List<Double>> bars = new LinkedHashMap<>();
    bars.put("p50", new ArrayList<>());
    bars.put("p99", new ArrayList<>());
    List<Samples> paths = paths(pillow);
    for (int i = 0; i < PATHS.size(); i++) {
      Samples s = paths.get(i);
      if (s == null) {
        continue;
      }
      names.add(PATHS.get(i));
      bars.get("p50").add(s.percentileMillis(50));
      bars.get("p99").add(s.percentileMillis(99));
      csv.append(String.format(Locale.ROOT, "%s,%d,%.3f,%.3f%n", PATHS.get(i), s.count(), s.percentileMillis(50), s.percentileMillis(99)));
      md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", PATHS.get(i), s.count(), s.percentileMillis(50), s.percentileMillis(99)));
    }
    Files.writeString(dir.resolve("resize.csv"), csv);
    md.append('\n');
    chart(md, dir, "resize.png", file -> ReportCharts.bars(file, "Image resize (Pillow): cold and warm", "ms (log)", true, names, bars));
  }

  private interface Draw {
    void to(Path file) throws IOException;
  }

  /** Draws one chart into the report's directory and links it; a chart that cannot be drawn says why, and the numbers stay. */
  private static void chart(StringBuilder md, Path dir, String name, Draw draw) {
    try {
      draw.to(dir.resolve(name));
      md.append("![").append(name).append("](").append(name).append(")\n\n");
    } catch (IOException | RuntimeException e) {
      md.append("Chart ").append(name).append(" not drawn: ").append(e.getMessage()).append("\n\n");
    }
  }

  private static List<Samples> paths(ColdStartBench.Result f) {
    return java.util.Arrays.asList(f.fresh(), f.rootFork(), f.bestFork(), f.bestSandboxed(), f.warm());
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"").replace('\n', ' ') + '"';
  }
}
