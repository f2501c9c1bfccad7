package dev.sockeye.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.sandbox.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates function.yaml. Unknown fields are errors, so that a typo such as
 * {@code timeout_sm} is caught at deploy time rather than silently running with the default.
 */
public final class FunctionYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Set<String> TOP_FIELDS =
      Set.of("name", "triggers", "result_topic", "timeout_ms", "memory_mb", "concurrency",
          "pids", "cpu_shares", "scratch_mb", "network", "tenant", "logs_max_kb");
  /** Output one invocation keeps before the rest is dropped with a TRUNCATED record (README: Handler logs). */
  public static final int DEFAULT_LOGS_MAX_KB = 256;

  private final Path file;

  private FunctionYaml(Path file) {
    this.file = file;
  }

  /** Reads and validates {@code file}; throws {@link InvalidFunctionException} naming file, field and reason. */
  public static FunctionDefinition parse(Path file) {
    return new FunctionYaml(file).parse();
  }

  private FunctionDefinition parse() {
    JsonNode root = read();
    if (root == null || !root.isObject()) {
      throw invalid(null, "must be a YAML mapping with at least 'name' and 'triggers'");
    }
    rejectUnknown(root, "", TOP_FIELDS);
    String name = text(root, "name", true);
    if (!NAME.matcher(name).matches()) {
      throw invalid("name", "must match " + NAME + " (got '" + name + "')");
    }
    JsonNode kafka = kafka(root);
    List<String> topics = topics(kafka);
    DeliverySettings delivery = KafkaTriggerYaml.parse(kafka, this::invalid);
    if (topics.isEmpty() && delivery.topicPattern() == null) {
      throw invalid("triggers.kafka.topics", "must be a non-empty list of topic names (or set triggers.kafka.topic_pattern)");
    }
    String resultTopic = text(root, "result_topic", false);
    if (resultTopic != null && !TOPIC.matcher(resultTopic).matches()) {
      throw invalid("result_topic", "is not a valid Kafka topic name (got '" + resultTopic + "')");
    }
    int timeoutMs = integer(root, "timeout_ms", FunctionDefinition.DEFAULT_TIMEOUT_MS, 1, 3_600_000);
    int memoryMb = integer(root, "memory_mb", FunctionDefinition.DEFAULT_MEMORY_MB, 16, 65_536);
    int concurrency = integer(root, "concurrency", FunctionDefinition.DEFAULT_CONCURRENCY, 1, 1_024);
    logsMaxKb(root); // validated here, read by the service from the deployed function.yaml (see logsMaxKb(Path))
    String tenant = text(root, "tenant", false);
    if (tenant != null && !NAME.matcher(tenant).matches()) {
      throw invalid("tenant", "must match " + NAME + " (got '" + tenant + "')");
    }
    return new FunctionDefinition(name, topics, resultTopic, new FunctionLimits(timeoutMs, memoryMb, concurrency,
        integer(root, "pids", FunctionLimits.DEFAULT_PIDS, 4, 32_768),
        integer(root, "cpu_shares", FunctionLimits.DEFAULT_CPU_SHARES, 2, 262_144),
        integer(root, "scratch_mb", FunctionLimits.DEFAULT_SCRATCH_MB, 1, 65_536), network(root)),
        delivery, tenant == null ? "" : tenant);
  }

  /**
   * {@code logs_max_kb} of a deployed function.yaml (validated at deploy), or the default when the file or field
   * is absent. Read apart from the definition so that the deployment records on Kafka keep their schema.
   */
  public static int logsMaxKb(Path file) {
    if (!Files.isRegularFile(file)) {
      return DEFAULT_LOGS_MAX_KB;
    }
    FunctionYaml yaml = new FunctionYaml(file);
    JsonNode root = yaml.read();
    return root == null || !root.isObject() ? DEFAULT_LOGS_MAX_KB : yaml.logsMaxKb(root);
  }

  private int logsMaxKb(JsonNode root) {
    return integer(root, "logs_max_kb", DEFAULT_LOGS_MAX_KB, 1, 65_536);
  }

  private Network network(JsonNode root) {
    String value = text(root, "network", false);
    if (value == null) {
      return Network.NONE;
    }
    try {
      return Network.fromCode(value);
    } catch (IllegalArgumentException e) {
      throw invalid("network", "must be 'none' or 'host' (got '" + value + "')");
    }
  }

  private JsonNode read() {
    try {
      return YAML.readTree(Files.readString(file));
    } catch (JsonProcessingException e) {
      throw invalid(null, "is not valid YAML: " + e.getOriginalMessage()
          + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()));
    } catch (IOException e) {
      throw invalid(null, "cannot be read: " + e);
    }
  }

  private JsonNode kafka(JsonNode root) {
    JsonNode triggers = root.get("triggers");
    if (triggers == null || !triggers.isObject()) {
      throw invalid("triggers", "is required: a mapping with 'kafka: {topics: [...]}'");
    }
    rejectUnknown(triggers, "triggers.", Set.of("kafka"));
    JsonNode kafka = triggers.get("kafka");
    if (kafka == null || !kafka.isObject()) {
      throw invalid("triggers.kafka", "is required: a mapping with 'topics: [...]'");
    }
    rejectUnknown(kafka, "triggers.kafka.", KafkaTriggerYaml.FIELDS);
    return kafka;
  }

  private List<String> topics(JsonNode kafka) {
    JsonNode list = kafka.get("topics");
    if (list == null && kafka.hasNonNull("topic_pattern")) {
      return List.of();
    }
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw invalid("triggers.kafka.topics", "must be a non-empty list of topic names");
    }
    List<String> topics = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode t = list.get(i);
      if (!t.isTextual() || !TOPIC.matcher(t.asText()).matches()) {
        throw invalid("triggers.kafka.topics[" + i + "]", "is not a valid Kafka topic name (got " + t + ")");
      }
      if (t.asText().startsWith("sockeye.")) {
        throw invalid("triggers.kafka.topics[" + i + "]", "names an internal topic (sockeye.*)");
      }
      topics.add(t.asText());
    }
    return topics;
  }

  private String text(JsonNode node, String field, boolean required) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw invalid(field, "is required");
      }
      return null;
    }
    if (!v.isTextual()) {
      throw invalid(field, "must be a string (got " + v + ")");
    }
    return v.asText();
  }

  private int integer(JsonNode node, String field, int dflt, int min, int max) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw invalid(field, "must be an integer (got " + v + ")");
    }
    int n = v.asInt();
    if (n < min || n > max) {
      throw invalid(field, "must be between " + min + " and " + max + " (got " + n + ")");
    }
    return n;
  }

  private void rejectUnknown(JsonNode node, String prefix, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw invalid(prefix + f, "is not a known field (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
  }

  private InvalidFunctionException invalid(String field, String reason) {
    return new InvalidFunctionException(file, field, reason);
  }
}
