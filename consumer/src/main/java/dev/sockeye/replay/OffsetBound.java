package dev.sockeye.replay;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One end of a topic range as the user gave it: {@code earliest}, {@code latest}, an offset or an ISO-8601 instant. */
public sealed interface OffsetBound {
  record Earliest() implements OffsetBound {}

  record Latest() implements OffsetBound {}

  record At(long offset) implements OffsetBound {}

  record Time(Instant instant) implements OffsetBound {}

  /** Parses {@code text}; the error names {@code flag} and says what is accepted. */
  static OffsetBound parse(String flag, String text) {
    String t = text.strip();
    if (t.equalsIgnoreCase("earliest")) {
      return new Earliest();
    }
    if (t.equalsIgnoreCase("latest")) {
      return new Latest();
    }
    if (t.matches("\\d+")) {
      try {
        return new At(Long.parseLong(t));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " " + text + ": offset out of range");
      }
    }
    try {
      return new Time(Instant.parse(t));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(flag + " " + text + ": expected earliest, latest, an offset (e.g. 1200) or an ISO-8601 instant"
          + " (e.g. 2024-05-01T00:00:00Z)");
    }
  }
}
