package dev.sockeye.binding.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import dev.sockeye.function.RetrySettings;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2024-05-01T00:00:00Z");
  private static final InvocationOutcome ERROR = new InvocationOutcome.Failed("ValueError", "bad", StartKind.WARM, Timings.NONE);
  private static final InvocationOutcome TIMEOUT = new InvocationOutcome.TimedOut(10, StartKind.WARM, Timings.NONE);
  private final RetryPolicy policy = new RetryPolicy(new RetrySettings(3, 100, 1000, 60_000), () -> 0.0);

  @Test
  void errorsAndTimeoutsAreRetriedWithBackoffUntilMaxAttempts() {
    assertEquals(new Decision.Retry(50), policy.decide(ERROR, 1, NOW.toEpochMilli(), NOW));
    assertEquals(new Decision.Retry(100), policy.decide(TIMEOUT, 2, NOW.toEpochMilli(), NOW));
    Decision last = policy.decide(ERROR, 3, NOW.toEpochMilli(), NOW);
    assertTrue(assertInstanceOf(Decision.DeadLetter.class, last).reason().contains("max_attempts=3"));
  }

  @Test
  void successAndRejectionArePublishedWithoutRetry() {
    var ok = new InvocationOutcome.Succeeded(new byte[0], "application/json", StartKind.WARM, Timings.NONE);
    assertInstanceOf(Decision.Publish.class, policy.decide(ok, 1, 0, NOW));
    assertInstanceOf(Decision.Publish.class, policy.decide(new InvocationOutcome.Rejected("closing"), 1, 0, NOW));
  }

  @Test
  void recordOlderThanMaxRecordAgeIsDeadLetteredInsteadOfRetried() {
    Decision d = policy.decide(ERROR, 1, NOW.toEpochMilli() - 61_000, NOW);
    assertTrue(assertInstanceOf(Decision.DeadLetter.class, d).reason().contains("max_record_age_ms"));
  }
}
