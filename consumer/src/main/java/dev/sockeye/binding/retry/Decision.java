package dev.sockeye.binding.retry;

/** What to do with a record after an invocation. */
public sealed interface Decision {
  /** Publish the outcome as the record's result: it succeeded, or failed in a way retrying cannot fix. */
  record Publish() implements Decision {}

  /** Invoke it again after {@code delayMs}. */
  record Retry(long delayMs) implements Decision {}

  /** Publish the failure and dead-letter the record, for {@code reason}. */
  record DeadLetter(String reason) implements Decision {}
}
