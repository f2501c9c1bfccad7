package dev.sockeye.executor;

import java.util.List;
import java.util.Objects;

/**
 * One record a handler runs on, as the executor's callers give it (the consumer maps Kafka records to these).
 * {@code key} and {@code value} may be null (absent); the arrays are not copied, so callers must not mutate them
 * after submitting the event.
 *
 * @param idempotencyKey stable across redeliveries of the same record: handlers deduplicate side effects with it
 */
public record Event(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
    List<Header> headers, String idempotencyKey) {
  public Event {
    Objects.requireNonNull(topic, "Event.topic");
    headers = List.copyOf(Objects.requireNonNull(headers, "Event.headers"));
    Objects.requireNonNull(idempotencyKey, "Event.idempotencyKey");
  }

  /** One record header; the value array is not copied. */
  public record Header(String name, byte[] value) {
    public Header {
      Objects.requireNonNull(name, "Event.Header.name");
    }
  }
}
