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
 * @param limits timeout, memory, concurrency and the sandbox limits (pids, cpu_shares, scratch_mb, network)
 * @param delivery how the trigger is consumed and results delivered
 * @param tenant functions of different tenants never share a zygote; "" when none is named
 */
public record FunctionDefinition(String name, List<String> topics, String resultTopic, FunctionLimits limits,
    DeliverySettings delivery, String tenant) {
  public static final int DEFAULT_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_MEMORY_MB = 128;
  public static final int DEFAULT_CONCURRENCY = 4;

  public FunctionDefinition {
    Objects.requireNonNull(name, "name");
    topics = List.copyOf(topics);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(delivery, "delivery");
    Objects.requireNonNull(tenant, "tenant");
  }

  /** With the default delivery settings, of no particular tenant. */
  public FunctionDefinition(String name, List<String> topics, String resultTopic, FunctionLimits limits) {
    this(name, topics, resultTopic, limits, DeliverySettings.DEFAULT, "");
  }

  /** Of no particular tenant. */
  public FunctionDefinition(String name, List<String> topics, String resultTopic, FunctionLimits limits,
      DeliverySettings delivery) {
    this(name, topics, resultTopic, limits, delivery, "");
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
