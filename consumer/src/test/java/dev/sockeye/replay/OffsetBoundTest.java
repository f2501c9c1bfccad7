package dev.sockeye.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OffsetBoundTest {
  @Test
  void parsesEveryKindOfBound() {
    assertEquals(new OffsetBound.Earliest(), OffsetBound.parse("--from", "earliest"));
    assertEquals(new OffsetBound.Latest(), OffsetBound.parse("--to", "LATEST"));
    assertEquals(new OffsetBound.At(1200), OffsetBound.parse("--from", "1200"));
    assertEquals(new OffsetBound.Time(Instant.parse("2024-05-01T00:00:00Z")), OffsetBound.parse("--to", "2024-05-01T00:00:00Z"));
  }

  @Test
  void anythingElseIsAnErrorNamingTheFlag() {
    var e = assertThrows(IllegalArgumentException.class, () -> OffsetBound.parse("--from", "yesterday"));
    assertTrue(e.getMessage().startsWith("--from yesterday: expected earliest, latest, an offset"), e.getMessage());
  }
}
