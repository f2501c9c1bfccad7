package dev.sockeye.cli;

import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.StartKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Event-to-result latency by start kind, from InvocationMetric records, as a printable table. */
final class LatencyTable {
  private LatencyTable() {}

  static String render(List<InvocationMetric> metrics) {
    Map<StartKind, List<InvocationMetric>> byKind = new EnumMap<>(StartKind.class);
    metrics.forEach(m -> byKind.computeIfAbsent(m.getStartKind(), k -> new ArrayList<>()).add(m));
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-8s %6s %10s %10s %10s %10s %10s %11s %11s%n",
        "start", "count", "p50 total", "p99 total", "p50 queued", "p50 fork", "p50 import", "p50 handler", "p50 publish"));
    byKind.forEach((kind, list) -> sb.append(String.format("%-8s %6d %8.2fms %8.2fms %8.2fms %8.2fms %8.2fms %9.2fms %9.2fms%n",
        kind, list.size(),
        percentile(list, m -> m.getTimings().getTotalUs(), 50),
        percentile(list, m -> m.getTimings().getTotalUs(), 99),
        percentile(list, m -> m.getTimings().getQueuedUs(), 50),
        percentile(list, m -> m.getTimings().getForkUs(), 50),
        percentile(list, m -> m.getTimings().getImportUs(), 50),
        percentile(list, m -> m.getTimings().getHandlerUs(), 50),
        percentile(list, m -> m.getTimings().getPublishUs(), 50))));
    return sb.toString();
  }

  /** Nearest-rank percentile in milliseconds; exact, since the demo's samples fit in memory. */
  static double percentile(List<InvocationMetric> list, ToLongFunction<InvocationMetric> micros, int p) {
    long[] v = list.stream().mapToLong(micros).sorted().toArray();
    if (v.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, rank - 1)] / 1000.0;
  }
}
