package dev.sockeye.executor;

import java.util.List;
import java.util.Objects;

/**
 * One record a handler runs on, as the executor's callers give it (the consumer maps Kafka records to these).
 * {@code key} and {@code value} may be null (absent); the arrays are not copied, so callers must not mutate them
 * after submitting the event.
 *
 * @param idempotencyKey stable across redeliveries of the same record: handlers deduplicate side effects with it
 * @param rawValue the handler gets the value as bytes, never parsed (input format {@code bytes}); otherwise the
 *     runtime gives the decoded JSON when the value parses, bytes when not
 */
public record Event(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
    List<Header> headers, String idempotencyKey, boolean rawValue) {
  public Event {
    Objects.requireNonNull(topic, "Event.topic");
    headers = List.copyOf(Objects.requireNonNull(headers, "Event.headers"));
    Objects.requireNonNull(idempotencyKey, "Event.idempotencyKey");
  }

  /** A record whose value the runtime decodes as JSON when it parses, bytes otherwise. */
  public Event(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
      List<Header> headers, String idempotencyKey) {
    this(topic, partition, offset, timestamp, key, value, headers, idempotencyKey, false);
  }

  /** This event with another value (already decoded by the caller); {@code raw}: pass it to the handler as bytes. */
  public Event withValue(byte[] newValue, boolean raw) {
    return new Event(topic, partition, offset, timestamp, key, newValue, headers, idempotencyKey, raw);
  }

  /** One record header; the value array is not copied. */
  public record Header(String name, byte[] value) {
    public Header {
      Objects.requireNonNull(name, "Event.Header.name");
    }
  }
}
