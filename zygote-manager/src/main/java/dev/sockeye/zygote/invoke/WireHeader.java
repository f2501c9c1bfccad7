package dev.sockeye.zygote.invoke;

import java.util.Objects;

/**
 * One Kafka record header as sent to a handler. The value array is not copied (events are large and
 * short-lived), so callers must not mutate it after building the request.
 */
public record WireHeader(String name, byte[] value) {
  public WireHeader {
    Objects.requireNonNull(name, "WireHeader.name");
  }
}
