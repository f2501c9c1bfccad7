package dev.sockeye.function;

/**
 * How failed invocations are retried before their record is dead-lettered.
 *
 * @param maxAttempts invocations of one record in all, the first included
 * @param backoffInitialMs delay before the first retry; doubles with each retry, with jitter
 * @param backoffMaxMs the cap on that delay
 * @param maxRecordAgeMs a record older than this (by its timestamp) is not retried again; 0 means no limit
 */
public record RetrySettings(int maxAttempts, long backoffInitialMs, long backoffMaxMs, long maxRecordAgeMs) {
  public static final RetrySettings DEFAULT = new RetrySettings(3, 100, 10_000, 0);

  public RetrySettings {
    require(maxAttempts >= 1, "max_attempts must be >= 1 (got " + maxAttempts + ")");
    require(backoffInitialMs >= 1, "backoff_initial_ms must be >= 1 (got " + backoffInitialMs + ")");
    require(backoffMaxMs >= backoffInitialMs, "backoff_max_ms must be >= backoff_initial_ms (got " + backoffMaxMs + ")");
    require(maxRecordAgeMs >= 0, "max_record_age_ms must be >= 0 (got " + maxRecordAgeMs + ")");
  }

  static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
