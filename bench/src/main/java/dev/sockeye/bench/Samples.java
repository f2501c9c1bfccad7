package dev.sockeye.bench;

import java.util.ArrayList;
import java.util.List;

/** Latency samples in microseconds; exact nearest-rank percentiles, since a run keeps every sample. Not thread-safe. */
public final class Samples {
  private final List<Long> micros = new ArrayList<>();

  void add(long us) {
    micros.add(us);
  }

  public int count() {
    return micros.size();
  }

  public double percentileMillis(int p) {
    if (micros.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1000.0;
  }
}
