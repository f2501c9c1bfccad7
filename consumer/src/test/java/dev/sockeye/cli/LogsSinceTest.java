package dev.sockeye.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogsSinceTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void sinceTakesAnAgeOrAnInstant() {
    assertEquals(NOW.minus(Duration.ofMinutes(10)), LogsCommand.parseSince("10m", NOW));
    assertEquals(NOW.minus(Duration.ofDays(1)), LogsCommand.parseSince("1d", NOW));
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), LogsCommand.parseSince("2026-12-01T00:00:00Z", NOW));
  }

  @Test
  void aBadSinceNamesTheFlag() {
    var e = assertThrows(IllegalArgumentException.class, () -> LogsCommand.parseSince("yesterday", NOW));
    assertTrue(e.getMessage().startsWith("--since 'yesterday'"), e.getMessage());
  }
}
