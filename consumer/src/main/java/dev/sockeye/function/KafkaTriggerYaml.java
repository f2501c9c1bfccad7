package dev.sockeye.function;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the delivery fields of {@code triggers.kafka} (everything but {@code topics}) into
 * {@link DeliverySettings}. Every error names the field as {@code triggers.kafka.<field>}.
 */
final class KafkaTriggerYaml {
  static final Set<String> FIELDS = Set.of("topics", "topic_pattern", "group", "start", "ordering", "max_in_flight",
      "batch_size", "batch_window_ms", "batch_max_bytes", "max_attempts", "backoff_initial_ms", "backoff_max_ms",
      "max_record_age_ms", "dead_letter_topic", "delivery",
      "format", "schema", "schema_registry_url"); // the input fields: dev.sockeye.format.InputYaml
  private static final String PREFIX = "triggers.kafka.";
  private static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final JsonNode kafka;
  private final BiFunction<String, String, InvalidFunctionException> invalid;

  private KafkaTriggerYaml(JsonNode kafka, BiFunction<String, String, InvalidFunctionException> invalid) {
    this.kafka = kafka;
    this.invalid = invalid;
  }

  /** {@code invalid} builds the error from (field, reason). */
  static DeliverySettings parse(JsonNode kafka, BiFunction<String, String, InvalidFunctionException> invalid) {
    return new KafkaTriggerYaml(kafka, invalid).parse();
  }

  private DeliverySettings parse() {
    String pattern = text("topic_pattern");
    if (pattern != null) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw invalid.apply(PREFIX + "topic_pattern", "is not a valid regular expression: " + e.getDescription());
      }
    }
    String group = text("group");
    if (group != null && !GROUP.matcher(group).matches()) {
      throw invalid.apply(PREFIX + "group", "must match " + GROUP + " (got '" + group + "')");
    }
    String dlq = text("dead_letter_topic");
    if (dlq != null && !FunctionYaml.TOPIC.matcher(dlq).matches()) {
      throw invalid.apply(PREFIX + "dead_letter_topic", "is not a valid Kafka topic name (got '" + dlq + "')");
    }
    DeliverySettings d = DeliverySettings.DEFAULT;
    try {
      return new DeliverySettings(pattern, group, start(), ordering(),
          (int) number("max_in_flight", d.maxInFlight(), 0, 100_000),
          batch(), retry(), dlq, mode());
    } catch (IllegalArgumentException e) { // cross-field checks of the records
      throw invalid.apply(PREFIX + e.getMessage().split(" ", 2)[0], e.getMessage());
    }
  }

  private BatchSettings batch() {
    BatchSettings b = BatchSettings.NONE;
    return new BatchSettings((int) number("batch_size", b.size(), 1, 10_000),
        number("batch_window_ms", b.windowMs(), 0, 60_000),
        number("batch_max_bytes", b.maxBytes(), 1, 64L * 1024 * 1024 - 1024 * 1024));
  }

  private RetrySettings retry() {
    RetrySettings r = RetrySettings.DEFAULT;
    long initial = number("backoff_initial_ms", r.backoffInitialMs(), 1, 3_600_000);
    long max = number("backoff_max_ms", Math.max(initial, r.backoffMaxMs()), 1, 3_600_000);
    if (max < initial) {
      throw invalid.apply(PREFIX + "backoff_max_ms", "must be >= backoff_initial_ms (" + initial + ") (got " + max + ")");
    }
    return new RetrySettings((int) number("max_attempts", r.maxAttempts(), 1, 1_000), initial, max,
        number("max_record_age_ms", r.maxRecordAgeMs(), 0, Long.MAX_VALUE / 2));
  }

  private StartPosition start() {
    String s = text("start");
    if (s == null) {
      return StartPosition.EARLIEST;
    }
    return StartPosition.of(s).orElseThrow(() -> invalid.apply(PREFIX + "start",
        "must be earliest, latest or an ISO-8601 instant such as 2024-05-01T00:00:00Z (got '" + s + "')"));
  }

  private Ordering ordering() {
    String s = text("ordering");
    return s == null ? Ordering.PARTITION : Ordering.of(s).orElseThrow(() ->
        invalid.apply(PREFIX + "ordering", "must be partition, key or none (got '" + s + "')"));
  }

  private DeliveryMode mode() {
    String s = text("delivery");
    return s == null ? DeliveryMode.AT_LEAST_ONCE : DeliveryMode.of(s).orElseThrow(() ->
        invalid.apply(PREFIX + "delivery", "must be at-least-once or exactly-once (got '" + s + "')"));
  }

  private String text(String field) {
    JsonNode v = kafka.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw invalid.apply(PREFIX + field, "must be a non-empty string (got " + v + ")");
    }
    return v.asText();
  }

  private long number(String field, long dflt, long min, long max) {
    JsonNode v = kafka.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw invalid.apply(PREFIX + field, "must be an integer (got " + v + ")");
    }
    long n = v.asLong();
    if (n < min || n > max) {
      throw invalid.apply(PREFIX + field, "must be between " + min + " and " + max + " (got " + n + ")");
    }
    return n;
  }
}
