package dev.sockeye.zygote.invoke;

import java.util.List;
import java.util.Objects;

/**
 * One Kafka record as sent to a handler. {@code key} and {@code value} may be null (absent); the arrays
 * are not copied, so callers must not mutate them after building the request.
 */
public record WireEvent(
    String topic,
    int partition,
    long offset,
    long timestamp,
    byte[] key,
    byte[] value,
    List<WireHeader> headers,
    String idempotencyKey) {
  public WireEvent {
    Objects.requireNonNull(topic, "WireEvent.topic");
    headers = List.copyOf(Objects.requireNonNull(headers, "WireEvent.headers"));
    Objects.requireNonNull(idempotencyKey, "WireEvent.idempotencyKey");
  }
}
