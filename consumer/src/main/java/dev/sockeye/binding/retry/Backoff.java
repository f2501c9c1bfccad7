package dev.sockeye.binding.retry;

import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with "equal jitter": the n-th retry waits between half and all of
 * {@code min(max, initial * 2^(n-1))}. Half is fixed so that retries never bunch up at zero; the
 * random half spreads the retries of many records failing together.
 */
public record Backoff(long initialMs, long maxMs) {
  public Backoff {
    if (initialMs < 1 || maxMs < initialMs) {
      throw new IllegalArgumentException("backoff needs 1 <= initial <= max (got " + initialMs + ", " + maxMs + ")");
    }
  }

  /** The delay before retry number {@code retry} (1 for the first); {@code random} yields [0, 1). */
  public long delayMs(int retry, DoubleSupplier random) {
    int doublings = Math.min(Math.max(retry - 1, 0), 62);
    long ceiling = initialMs > (maxMs >> doublings) ? maxMs : Math.min(maxMs, initialMs << doublings);
    long half = ceiling / 2;
    return half + (long) (random.getAsDouble() * (ceiling - half));
  }
}
