package dev.sockeye.control;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.schemas.FunctionCode;
import dev.sockeye.schemas.FunctionSpec;
import dev.sockeye.schemas.codec.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds one version of a deployed function (its current one, or an earlier one still in the
 * control topics) and puts its code on local disk, for a one-off run such as a replay. Reads the
 * control topics once, from the beginning to their end at the call. Blocking; stateless.
 */
public final class FunctionVersions {
  /** Why a function or version cannot be found; the message names it and what there is. */
  public static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message);
    }
  }

  private FunctionVersions() {}

  /**
   * The deployment of {@code function} at {@code version} (a prefix of the version hash is
   * enough), or at its current version when {@code version} is null. The code is materialized
   * under {@code functionsDir}.
   */
  public static Registry.Deployment find(KafkaConnection connection, Path functionsDir, String function, String version) {
    Map<String, FunctionSpec> current = new LinkedHashMap<>();
    Map<String, FunctionSpec> versions = new LinkedHashMap<>(); // version -> spec, for `function` only
    Map<String, FunctionCode> codes = new LinkedHashMap<>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaClients.consumerConfig(connection, null, "sockeye-function-versions"))) {
      List<TopicPartition> parts = List.of(new TopicPartition(ControlTopics.FUNCTIONS, 0), new TopicPartition(ControlTopics.CODE, 0));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
      while (parts.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String name = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
          if (r.topic().equals(ControlTopics.FUNCTIONS)) {
            if (r.value() == null) {
              current.remove(name);
            } else {
              FunctionSpec spec = SpecCodec.decodeSpec(r.value());
              current.put(name, spec);
              if (name.equals(function)) {
                versions.put(spec.getVersion(), spec);
              }
            }
          } else if (name.equals(function) && r.value() != null) {
            FunctionCode code = AvroBytes.CODE.decode(r.value());
            codes.put(code.getVersion(), code);
          }
        }
      }
    }
    FunctionSpec spec = current.get(function);
    if (spec == null) {
      throw new NotFound("unknown function '" + function + "'" + (current.isEmpty() ? ": nothing is deployed"
          : " (deployed: " + String.join(", ", new TreeSet<>(current.keySet())) + ")"));
    }
    if (version != null) {
      List<FunctionSpec> matches = new ArrayList<>(versions.values().stream().filter(s -> s.getVersion().startsWith(version)).toList());
      if (matches.size() != 1) {
        throw new NotFound("--version " + version + ": " + (matches.isEmpty() ? "no" : "more than one") + " version of " + function
            + " matches (known: " + versions.keySet().stream().map(v -> v.substring(0, Math.min(12, v.length()))).toList() + ")");
      }
      spec = matches.get(0);
    }
    FunctionCode code = codes.get(spec.getVersion());
    if (code == null) {
      throw new NotFound("the code of " + function + " version " + spec.getVersion().substring(0, 12) + " is no longer in "
          + ControlTopics.CODE + " (compaction keeps only a function's latest code)");
    }
    Path dir = new CodeStore(functionsDir).materialize(code);
    return new Registry.Deployment(SpecCodec.toDefinition(spec), spec.getVersion(), dir);
  }
}
