package dev.sockeye.function;

import java.util.Objects;

/**
 * How a function's Kafka trigger is consumed and its results delivered ({@code triggers.kafka.*}
 * beyond {@code topics}).
 *
 * @param topicPattern a regex of topics to follow instead of (or besides) the listed topics; null for none
 * @param group the consumer group; null means {@code sockeye-<function>}
 * @param start where a partition without a committed offset starts
 * @param ordering what may run concurrently
 * @param maxInFlight most records dispatched and not yet done; 0 means derived from concurrency and batch size
 * @param batch batching of records into one handler call
 * @param retry retries before dead-lettering
 * @param deadLetterTopic where exhausted records go; null means {@code <topic>.dlq}
 * @param mode at-least-once or exactly-once
 */
public record DeliverySettings(
    String topicPattern,
    String group,
    StartPosition start,
    Ordering ordering,
    int maxInFlight,
    BatchSettings batch,
    RetrySettings retry,
    String deadLetterTopic,
    DeliveryMode mode) {
  public static final DeliverySettings DEFAULT = new DeliverySettings(
      null, null, StartPosition.EARLIEST, Ordering.PARTITION, 0, BatchSettings.NONE, RetrySettings.DEFAULT, null, DeliveryMode.AT_LEAST_ONCE);

  public DeliverySettings {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(mode, "delivery");
    RetrySettings.require(maxInFlight >= 0, "max_in_flight must be >= 0 (got " + maxInFlight + ")");
  }

  /** The in-flight bound actually used: enough work to keep every instance busy while results round-trip. */
  public int effectiveMaxInFlight(int concurrency) {
    return maxInFlight > 0 ? maxInFlight : Math.max(4 * concurrency, 2 * concurrency * batch.size());
  }

  /** The dead-letter topic of records from {@code sourceTopic}. */
  public String deadLetterTopicFor(String sourceTopic) {
    return deadLetterTopic != null ? deadLetterTopic : sourceTopic + ".dlq";
  }
}
