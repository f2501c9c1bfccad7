package dev.sockeye.function;

import dev.sockeye.executor.FunctionLimits;
import java.util.List;
import java.util.Objects;

/**
 * What function.yaml says, validated.
 *
 * @param name the function's name: lowercase letters, digits, '-' and '_'
 * @param topics the Kafka topics that trigger it
 * @param resultTopic where results go; null means {@code <topic>.results} per source topic
 * @param limits timeout, memory and concurrency
 * @param delivery how the trigger is consumed and results delivered (issue 5)
 */
public record FunctionDefinition(String name, List<String> topics, String resultTopic, FunctionLimits limits, DeliverySettings delivery) {
  public static final int DEFAULT_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MEMORY_MB = 128;
  public static final int DEFAULT_CONCURRENCY = 4;

  public FunctionDefinition {
    Objects.requireNonNull(name, "name");
    topics = List.copyOf(topics);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(delivery, "delivery");
  }

  /** With the default delivery settings. */
  public FunctionDefinition(String name, List<String> topics, String resultTopic, FunctionLimits limits) {
    this(name, topics, resultTopic, limits, DeliverySettings.DEFAULT);
  }

  /** The topic results of records from {@code sourceTopic} go to. */
  public String resultTopicFor(String sourceTopic) {
    return resultTopic != null ? resultTopic : sourceTopic + ".results";
  }

  /** The consumer group of this function's binding. */
  public String group() {
    return delivery.group() != null ? delivery.group() : "sockeye-" + name;
  }
}
