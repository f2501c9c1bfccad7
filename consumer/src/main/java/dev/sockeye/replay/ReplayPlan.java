package dev.sockeye.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.binding.Bounded.Range;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A replay resolved to offsets: what runs, where its results go. Kept in {@code sockeye.replays}
 * under its name, so that a restart with the same {@code --name} runs the same ranges (a
 * {@code --to latest} does not move) and continues from the replay group's committed offsets.
 *
 * @param kind what the records are: a topic's own, a staged file's, or dead letters
 * @param source what the user named ({@code --topic T}, {@code --file F}, {@code --dead-letters D})
 * @param ranges the offsets to run per partition, {@code [from, to)}
 * @param malformed lines of a file that could not be read and were dead-lettered while staging it
 */
public record ReplayPlan(String name, String function, String version, Kind kind, String source,
                         Map<TopicPartition, Range> ranges, String resultTopic, String deadLetterTopic, long malformed) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public enum Kind { TOPIC, FILE, DEAD_LETTERS }

  public ReplayPlan {
    Map<TopicPartition, Range> sorted = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
    sorted.putAll(ranges);
    ranges = java.util.Collections.unmodifiableMap(sorted);
  }

  /** The consumer group the replay commits its progress in: never the live binding's. */
  public String group() {
    return "sockeye-replay-" + name;
  }

  public long records() {
    return ranges.values().stream().mapToLong(Range::size).sum();
  }

  byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", name).put("function", function).put("version", version).put("kind", kind.name()).put("source", source)
        .put("result_topic", resultTopic).put("dead_letter_topic", deadLetterTopic).put("malformed", malformed);
    ArrayNode rs = n.putArray("ranges");
    ranges.forEach((tp, r) -> rs.addObject().put("topic", tp.topic()).put("partition", tp.partition()).put("from", r.from()).put("to", r.to()));
    return n.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  static ReplayPlan fromJson(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      Map<TopicPartition, Range> ranges = new TreeMap<>(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
      for (JsonNode r : n.get("ranges")) {
        ranges.put(new TopicPartition(r.get("topic").asText(), r.get("partition").asInt()), new Range(r.get("from").asLong(), r.get("to").asLong()));
      }
      return new ReplayPlan(n.get("name").asText(), n.get("function").asText(), n.get("version").asText(), Kind.valueOf(n.get("kind").asText()),
          n.get("source").asText(), ranges, n.get("result_topic").asText(), n.get("dead_letter_topic").asText(), n.get("malformed").asLong());
    } catch (java.io.IOException | RuntimeException e) {
      throw new IllegalStateException("unreadable replay plan in " + ReplayStore.TOPIC + ": " + e.getMessage(), e);
    }
  }
}
