package dev.sockeye.control;

import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.FunctionSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What sockeye.functions says is deployed now: the latest spec per name, undeployed ones (tombstones) gone. */
public final class DeployedFunctions {
  private static final Logger log = LoggerFactory.getLogger(DeployedFunctions.class);

  /** One deployed function, as {@code sockeye functions} lists it. */
  public record Deployed(String name, String version, List<String> topics, String topicPattern, String resultTopic,
      String delivery, Instant deployedAt) {}

  private DeployedFunctions() {}

  /** Reads the whole control topic (blocking); specs that do not decode are logged with their offset and skipped. */
  public static List<Deployed> read(dev.sockeye.kafka.KafkaConnection kafka, Duration timeout) {
    Map<String, FunctionSpec> latest = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka, List.of(ControlTopics.FUNCTIONS), timeout)) {
      String name = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      if (r.value() == null) {
        latest.remove(name);
        continue;
      }
      try {
        latest.put(name, SpecCodec.decodeSpec(r.value()));
      } catch (RuntimeException e) {
        log.warn("skipping {} offset {} (function '{}'): {}", r.topic(), r.offset(), name, e.getMessage());
      }
    }
    List<Deployed> out = new ArrayList<>();
    latest.forEach((name, s) -> out.add(new Deployed(name, s.getVersion(), List.copyOf(s.getTopics()), s.getTopicPattern(),
        s.getResultTopic(), s.getDelivery(), Instant.ofEpochMilli(s.getDeployedAt()))));
    return out;
  }
}
