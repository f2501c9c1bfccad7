package dev.sockeye.binding;

import java.util.OptionalLong;
import java.util.TreeSet;

/**
 * The records of one partition that were dispatched and are not yet done. Results may complete in
 * any order; only the contiguous completed prefix is committable, so a restart never skips a record
 * whose result was not acknowledged.
 *
 * <p>Not thread-safe: owned by the binding's event-loop context.
 */
final class OffsetTracker {
  private final TreeSet<Long> pending = new TreeSet<>();
  private long nextAfterHighest = -1; // one past the highest offset begun
  private long committable = -1; // the offset last reported as committable, or the first begun

  void begin(long offset) {
    if (committable < 0) {
      committable = offset; // committing this again would claim nothing new
    }
    pending.add(offset);
    nextAfterHighest = Math.max(nextAfterHighest, offset + 1);
  }

  /**
   * Marks {@code offset} done. Returns the new committable offset (the next record to consume, as
   * Kafka commits it) when it advanced, or empty.
   */
  OptionalLong complete(long offset) {
    if (!pending.remove(offset)) {
      return OptionalLong.empty();
    }
    long low = pending.isEmpty() ? nextAfterHighest : pending.first();
    if (low > committable) {
      committable = low;
      return OptionalLong.of(low);
    }
    return OptionalLong.empty();
  }

  int inFlight() {
    return pending.size();
  }
}
