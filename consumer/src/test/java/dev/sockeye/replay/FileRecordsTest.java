package dev.sockeye.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileRecordsTest {
  @Test
  void plainJsonLineIsTheValueAsItIs() throws Exception {
    var e = FileRecords.fromLine("{\"i\": 1, \"value\": 2, \"other\": 3}");
    assertArrayEquals("{\"i\": 1, \"value\": 2, \"other\": 3}".getBytes(StandardCharsets.UTF_8), e.value());
    assertNull(e.key());
  }

  @Test
  void envelopeLineGivesKeyValueHeadersTimestampAndCoordinates() throws Exception {
    var e = FileRecords.fromLine("{\"topic\": \"orders\", \"partition\": 2, \"offset\": 41, \"timestamp\": 1700000000000,"
        + " \"key\": \"k\", \"value\": {\"i\": 1}, \"headers\": {\"trace\": \"abc\"}}");
    assertEquals("orders", e.topic());
    assertEquals(2, e.partition());
    assertEquals(41L, e.offset());
    assertEquals(1_700_000_000_000L, e.timestamp());
    assertArrayEquals("k".getBytes(StandardCharsets.UTF_8), e.key());
    assertArrayEquals("{\"i\":1}".getBytes(StandardCharsets.UTF_8), e.value());
    assertArrayEquals("abc".getBytes(StandardCharsets.UTF_8), e.headers().get("trace"));
  }

  @Test
  void malformedLinesSayWhatIsWrong() {
    var notJson = assertThrows(FileRecords.Malformed.class, () -> FileRecords.fromLine("{\"i\": 3, oops"));
    assertTrue(notJson.getMessage().startsWith("not JSON"), notJson.getMessage());
    var badPartition = assertThrows(FileRecords.Malformed.class, () -> FileRecords.fromLine("{\"value\": 1, \"partition\": \"two\"}"));
    assertTrue(badPartition.getMessage().contains("'partition'"), badPartition.getMessage());
    var badHeaders = assertThrows(FileRecords.Malformed.class, () -> FileRecords.fromLine("{\"value\": 1, \"headers\": [1]}"));
    assertTrue(badHeaders.getMessage().contains("'headers'"), badHeaders.getMessage());
  }
}
