package dev.sockeye.binding.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(100, 1_000);

  @Test
  void delayDoublesPerRetryBetweenHalfAndAllOfTheCeiling() {
    assertEquals(50, backoff.delayMs(1, () -> 0.0));
    assertEquals(99, backoff.delayMs(1, () -> 0.999));
    assertEquals(100, backoff.delayMs(2, () -> 0.0));
    assertEquals(200, backoff.delayMs(3, () -> 0.0));
  }

  @Test
  void delayIsCappedAtTheMaximumEvenAfterManyRetries() {
    assertEquals(500, backoff.delayMs(10, () -> 0.0));
    assertEquals(999, backoff.delayMs(10_000, () -> 0.999));
  }
}
