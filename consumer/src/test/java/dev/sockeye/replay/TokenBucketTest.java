package dev.sockeye.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  /** A clock the bucket's waits advance, instead of sleeping. */
  private static final class StepClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override public Instant instant() {
      return now;
    }
  }

  @Test
  void paceIsTheRateOverAnyLongRun() {
    StepClock clock = new StepClock();
    List<Duration> waits = new ArrayList<>();
    TokenBucket bucket = new TokenBucket(200, clock, d -> {
      waits.add(d);
      clock.now = clock.now.plus(d);
    });
    Instant start = clock.now;
    for (int i = 0; i < 1_000; i++) {
      bucket.acquire(1);
    }
    // 1,000 events at 200/s: 5 s, less the initial burst of a tenth of a second's worth (20)
    long elapsedMs = Duration.between(start, clock.now).toMillis();
    assertTrue(Math.abs(elapsedMs - 4_900) <= 5, elapsedMs + " ms");
    assertTrue(waits.stream().allMatch(d -> d.toMillis() <= 5), "waits are per record, not bursts: " + waits.stream().max(Duration::compareTo));
  }

  @Test
  void aChunkLargerThanTheBurstWaitsForItsWholeDeficit() {
    StepClock clock = new StepClock();
    TokenBucket bucket = new TokenBucket(100, clock, d -> clock.now = clock.now.plus(d));
    Instant start = clock.now;
    bucket.acquire(10); // the burst
    bucket.acquire(50);
    assertEquals(500, Duration.between(start, clock.now).toMillis());
    assertEquals(10, bucket.chunk());
  }

  @Test
  void closedBucketLetsEverythingThrough() {
    StepClock clock = new StepClock();
    TokenBucket bucket = new TokenBucket(1, clock, d -> { });
    bucket.close();
    bucket.acquire(1_000); // returns at once: a stopping replay must not hang in its throttle
  }

  @Test
  void rateMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, Clock.systemUTC(), d -> { }));
  }
}
