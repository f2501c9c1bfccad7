package dev.sockeye.function;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a binding starts reading a partition for which its group has no committed offset.
 *
 * @param code {@code earliest}, {@code latest} or an ISO-8601 instant
 * @param timestamp the instant when {@code code} is one, else null
 */
public record StartPosition(String code, Instant timestamp) {
  public static final StartPosition EARLIEST = new StartPosition("earliest", null);
  public static final StartPosition LATEST = new StartPosition("latest", null);

  public StartPosition {
    Objects.requireNonNull(code, "start");
  }

  /** Empty when {@code code} is neither earliest, latest nor an ISO instant such as 2024-05-01T00:00:00Z. */
  public static Optional<StartPosition> of(String code) {
    if (code.equals("earliest")) {
      return Optional.of(EARLIEST);
    }
    if (code.equals("latest")) {
      return Optional.of(LATEST);
    }
    try {
      return Optional.of(new StartPosition(code, Instant.parse(code)));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The consumer's auto.offset.reset: a timestamp start seeks by itself and falls back to latest. */
  public String autoOffsetReset() {
    return timestamp == null ? code : "latest";
  }
}
