package dev.sockeye.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KafkaTriggerYamlTest {
  @TempDir Path dir;

  private FunctionDefinition parse(String kafkaFields) throws Exception {
    Path f = dir.resolve("function.yaml");
    Files.writeString(f, "name: a\ntriggers:\n  kafka:\n    topics: [t]\n" + kafkaFields.indent(4));
    return FunctionYaml.parse(f);
  }

  @Test
  void absentDeliveryFieldsGetTheDocumentedDefaults() throws Exception {
    DeliverySettings d = parse("").delivery();
    assertEquals(DeliverySettings.DEFAULT, d);
    assertEquals(Ordering.PARTITION, d.ordering());
    assertEquals(DeliveryMode.AT_LEAST_ONCE, d.mode());
    assertEquals(3, d.retry().maxAttempts());
    assertEquals("t.dlq", d.deadLetterTopicFor("t"));
    assertEquals(16, d.effectiveMaxInFlight(4));
  }

  @Test
  void everyDeliveryFieldIsKept() throws Exception {
    FunctionDefinition def = parse("""
        group: billing
        start: 2024-05-01T00:00:00Z
        ordering: key
        max_in_flight: 64
        batch_size: 10
        batch_window_ms: 20
        batch_max_bytes: 65536
        max_attempts: 5
        backoff_initial_ms: 50
        backoff_max_ms: 2000
        max_record_age_ms: 60000
        dead_letter_topic: dead
        delivery: exactly-once
        """);
    DeliverySettings d = def.delivery();
    assertEquals("billing", def.group());
    assertEquals(Instant.parse("2024-05-01T00:00:00Z"), d.start().timestamp());
    assertEquals(Ordering.KEY, d.ordering());
    assertEquals(64, d.effectiveMaxInFlight(4));
    assertEquals(new BatchSettings(10, 20, 65536), d.batch());
    assertEquals(new RetrySettings(5, 50, 2000, 60000), d.retry());
    assertEquals("dead", d.deadLetterTopicFor("t"));
    assertEquals(DeliveryMode.EXACTLY_ONCE, d.mode());
  }

  @Test
  void topicPatternAloneIsEnough() throws Exception {
    Path f = dir.resolve("function.yaml");
    Files.writeString(f, "name: a\ntriggers: {kafka: {topic_pattern: 'orders-.*'}}\n");
    FunctionDefinition d = FunctionYaml.parse(f);
    assertEquals(List.of(), d.topics());
    assertEquals("orders-.*", d.delivery().topicPattern());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "ordering: random              | triggers.kafka.ordering          | must be partition, key or none",
    "delivery: twice               | triggers.kafka.delivery          | at-least-once or exactly-once",
    "start: yesterday              | triggers.kafka.start             | ISO-8601",
    "batch_size: 0                 | triggers.kafka.batch_size        | got 0",
    "max_attempts: many            | triggers.kafka.max_attempts      | must be an integer",
    "backoff_initial_ms: 500\\nbackoff_max_ms: 100 | triggers.kafka.backoff_max_ms | must be >= backoff_initial_ms",
    "topic_pattern: '(('           | triggers.kafka.topic_pattern     | not a valid regular expression",
    "dead_letter_topic: 'a b'      | triggers.kafka.dead_letter_topic | not a valid Kafka topic name",
    "max_in_flight: -1             | triggers.kafka.max_in_flight     | got -1",
    "retries: 3                    | triggers.kafka.retries           | not a known field",
  })
  void invalidDeliverySettingIsRefusedNamingTheField(String yaml, String field, String reason) {
    InvalidFunctionException e = assertThrows(InvalidFunctionException.class, () -> parse(yaml.replace("\\n", "\n")));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().contains("function.yaml"), e.getMessage());
  }
}
