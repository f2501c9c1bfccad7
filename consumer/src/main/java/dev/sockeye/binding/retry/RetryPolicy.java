package dev.sockeye.binding.retry;

import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.function.RetrySettings;
import java.time.Instant;
import java.util.function.DoubleSupplier;

/**
 * Decides, after each invocation of a record, whether to publish, retry or dead-letter it.
 * Handler errors and timeouts are retryable; a rejection is not (the executor would only reject
 * again), and a success is final. Stateless; {@code random} must only be used by one thread.
 */
public final class RetryPolicy {
  private final RetrySettings settings;
  private final Backoff backoff;
  private final DoubleSupplier random;

  public RetryPolicy(RetrySettings settings, DoubleSupplier random) {
    this.settings = settings;
    this.backoff = new Backoff(settings.backoffInitialMs(), settings.backoffMaxMs());
    this.random = random;
  }

  /**
   * @param attempts invocations so far, this one included
   * @param recordTimestampMs the record's own timestamp, for max_record_age_ms
   */
  public Decision decide(InvocationOutcome outcome, int attempts, long recordTimestampMs, Instant now) {
    if (!retryable(outcome)) {
      return new Decision.Publish();
    }
    if (attempts >= settings.maxAttempts()) {
      return new Decision.DeadLetter("failed " + attempts + " of max_attempts=" + settings.maxAttempts() + " attempts");
    }
    long age = now.toEpochMilli() - recordTimestampMs;
    if (settings.maxRecordAgeMs() > 0 && age > settings.maxRecordAgeMs()) {
      return new Decision.DeadLetter("record is " + age + " ms old, past max_record_age_ms=" + settings.maxRecordAgeMs());
    }
    return new Decision.Retry(backoff.delayMs(attempts, random));
  }

  /** A failure a later attempt may not repeat: the handler raised or crashed, or ran out of time. */
  public static boolean retryable(InvocationOutcome outcome) {
    return outcome instanceof InvocationOutcome.Failed || outcome instanceof InvocationOutcome.TimedOut
        || outcome instanceof InvocationOutcome.OutOfMemory;
  }
}
