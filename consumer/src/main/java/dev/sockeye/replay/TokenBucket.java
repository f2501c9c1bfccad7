package dev.sockeye.replay;

import dev.sockeye.binding.Bounded;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code --rate N/s}: a token bucket refilled at the rate, holding at most a tenth of a second's
 * worth (at least one), so a replay never bursts far above its rate after a pause. No rate limiter
 * is on our classpath (Guava, Bucket4j and Resilience4j are not), and this is a dozen lines.
 *
 * <p>Called on the replay's poll thread only; {@link #close()} (any thread) makes waits end at once.
 */
final class TokenBucket implements Bounded.Throttle, AutoCloseable {
  /** How the bucket waits; tests advance their clock instead of sleeping. */
  interface Sleeper {
    Sleeper PARK = d -> LockSupport.parkNanos(Math.min(d.toNanos(), 100_000_000L));

    void sleep(Duration d);
  }

  private final double perSecond;
  private final double capacity;
  private final Clock clock;
  private final Sleeper sleeper;
  private double tokens;
  private long lastNanos;
  private volatile boolean closed;

  TokenBucket(double perSecond, Clock clock, Sleeper sleeper) {
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("--rate must be above 0 (got " + perSecond + ")");
    }
    this.perSecond = perSecond;
    this.capacity = Math.max(1, perSecond / 10);
    this.clock = clock;
    this.sleeper = sleeper;
    this.tokens = capacity;
    this.lastNanos = nanos();
  }

  @Override
  public void acquire(int permits) {
    refill();
    tokens -= permits; // may go negative: a chunk above the capacity waits for its whole deficit
    while (tokens < 0 && !closed) {
      sleeper.sleep(Duration.ofNanos((long) Math.ceil(-tokens / perSecond * 1e9)));
      refill();
    }
  }

  private void refill() {
    long now = nanos();
    tokens = Math.min(capacity, tokens + (now - lastNanos) * perSecond / 1e9);
    lastNanos = now;
  }

  @Override
  public int chunk() {
    return (int) Math.max(1, Math.min(500, capacity));
  }

  private long nanos() {
    Duration d = Duration.between(java.time.Instant.EPOCH, clock.instant());
    return d.toNanos();
  }

  @Override
  public void close() {
    closed = true;
  }
}
