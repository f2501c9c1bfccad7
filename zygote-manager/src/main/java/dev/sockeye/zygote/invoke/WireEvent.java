package dev.sockeye.zygote.invoke;

import java.util.List;
import java.util.Objects;

/**
 * One Kafka record as sent to a handler. {@code key} and {@code value} may be null (absent); the arrays
 * are not copied, so callers must not mutate them after building the request. With {@code rawValue} the
 * runtime hands the value to the handler as bytes without trying JSON (input format {@code bytes}).
 */
public record WireEvent(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<WireHeader> headers,
    String idempotencyKey,
    boolean rawValue) {
  public WireEvent {
    Objects.requireNonNull(topic, "WireEvent.topic");
    headers = List.copyOf(Objects.requireNonNull(headers, "WireEvent.headers"));
    Objects.requireNonNull(idempotencyKey, "WireEvent.idempotencyKey");
  }

  /** A record whose value the runtime decodes as JSON when it parses, bytes otherwise. */
  public WireEvent(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
      List<WireHeader> headers, String idempotencyKey) {
    this(topic, partition, offset, timestamp, key, value, headers, idempotencyKey, false);
  }

  /** This event with another value (already decoded by the JVM); {@code raw}: pass it as bytes. */
  public WireEvent withValue(byte[] newValue, boolean raw) {
    return new WireEvent(topic, partition, offset, timestamp, key, newValue, headers, idempotencyKey, raw);
  }
}
