package dev.sockeye.bench;

import dev.sockeye.zygote.invoke.TraceMark;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a forked cold start spends its time: the phases between the instance's trace marks (same clock as
 * {@link System#nanoTime()}), framed by the JVM's own send and receive, with the minor faults of each phase.
 * Medians over the samples. Not thread-safe.
 */
public final class Breakdown {
  /** One phase: its median duration and median minor faults. */
  public record Phase(String name, double p50Millis, long p50Faults) {}

  private final Map<String, List<long[]>> phases = new LinkedHashMap<>();

  /** One cold start: JVM sent the fork at {@code sentNanos}, got the result at {@code doneNanos}. */
  void add(long sentNanos, long forkReplyNanos, List<TraceMark> marks, long doneNanos) {
    add("request sent (parallel)", forkReplyNanos - sentNanos, 0);
    if (marks.isEmpty()) {
      return;
    }
    TraceMark first = marks.get(0);
    // no fault count: a spare's count so far includes what it did ahead of the request
    add("sent -> " + first.phase(), first.monotonicNanos() - sentNanos, 0);
    for (int i = 1; i < marks.size(); i++) {
      TraceMark a = marks.get(i - 1);
      TraceMark b = marks.get(i);
      add(a.phase() + " -> " + b.phase(), b.monotonicNanos() - a.monotonicNanos(), b.minorFaults() - a.minorFaults());
    }
    add(marks.get(marks.size() - 1).phase() + " -> result at JVM", doneNanos - marks.get(marks.size() - 1).monotonicNanos(), 0);
  }

  private void add(String name, long nanos, long faults) {
    phases.computeIfAbsent(name, k -> new ArrayList<>()).add(new long[] {nanos, faults});
  }

  public List<Phase> phases() {
    List<Phase> out = new ArrayList<>();
    phases.forEach((name, values) -> out.add(new Phase(name, median(values, 0) / 1e6, median(values, 1))));
    return out;
  }

  private static long median(List<long[]> values, int index) {
    long[] sorted = values.stream().mapToLong(v -> v[index]).sorted().toArray();
    return sorted[(sorted.length - 1) / 2];
  }
}
