package dev.sockeye.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.kafka.TopicReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye status}: what each running service last reported on sockeye.status. */
@Command(name = "status", description = "Show each running service's functions, instances, zygote tree and package store.")
final class StatusCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin KafkaOptions kafka;

  @Option(names = "--json", description = "Print the raw JSON documents")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Map<String, JsonNode> latest = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : TopicReader.readAll(kafka.resolve(), List.of(ControlTopics.STATUS), Duration.ofSeconds(30))) {
      if (r.value() != null) {
        latest.put(new String(r.key()), JSON.readTree(r.value()));
      }
    }
    if (latest.isEmpty()) {
      System.out.println("no service has reported status yet");
    }
    for (JsonNode s : latest.values()) {
      System.out.println(json ? s.toString() : StatusFormat.render(s, Instant.now()));
    }
    return 0;
  }
}
