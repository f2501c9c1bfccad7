package dev.sockeye.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.control.DeployedFunctions;
import dev.sockeye.control.DeployedFunctions.Deployed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye functions}: the functions deployed now, from the control topic (whether or not a service runs). */
@Command(name = "functions", mixinStandardHelpOptions = true, description = "List the deployed functions: name, version, topics, delivery, deployed at.")
final class FunctionsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin KafkaOptions kafka;

  @Option(names = "--json", description = "Print a JSON array instead of a table")
  boolean json;

  @Override
  public Integer call() {
    List<Deployed> all = DeployedFunctions.read(kafka.connect(), Duration.ofSeconds(30));
    if (json) {
      ArrayNode out = JSON.createArrayNode();
      for (Deployed d : all) {
        ObjectNode n = out.addObject().put("name", d.name()).put("version", d.version());
        d.topics().forEach(n.putArray("topics")::add);
        n.put("topic_pattern", d.topicPattern()).put("result_topic", d.resultTopic())
            .put("delivery", d.delivery()).put("deployed_at", d.deployedAt().toString());
      }
      System.out.println(out);
      return 0;
    }
    if (all.isEmpty()) {
      System.out.println("no functions are deployed (" + ControlTopics.FUNCTIONS + " is empty)");
      return 0;
    }
    String row = "%-24s %-12s %-32s %-14s %s%n";
    System.out.printf(row, "NAME", "VERSION", "TOPICS", "DELIVERY", "DEPLOYED AT");
    for (Deployed d : all) {
      String topics = d.topicPattern() != null ? "/" + d.topicPattern() + "/" : String.join(",", d.topics());
      System.out.printf(row, d.name(), d.version().substring(0, Math.min(12, d.version().length())), topics,
          d.delivery(), d.deployedAt());
    }
    return 0;
  }
}
