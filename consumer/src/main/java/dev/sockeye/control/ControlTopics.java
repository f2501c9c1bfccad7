package dev.sockeye.control;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Names and creation of Sockeye's own topics. */
public final class ControlTopics {
  /** Compacted, keyed by function name: the latest {@code FunctionSpec}; a tombstone undeploys. */
  public static final String FUNCTIONS = "sockeye.functions";
  /** Compacted, keyed by function name: the latest {@code FunctionCode}. */
  public static final String CODE = "sockeye.code";
  /** Compacted, keyed by service id: each running service's latest status, as JSON. */
  public static final String STATUS = "sockeye.status";
  /** One {@code InvocationMetric} per invocation, keyed by function name. */
  public static final String METRICS = "sockeye.metrics";
  /** Handlers' output lines and one REPORT per invocation ({@code HandlerLog}), keyed by function name. */
  public static final String LOGS = "sockeye.logs";

  private ControlTopics() {}

  /** Creates the control topics if missing. Blocking. */
  public static void ensure(Admin admin) {
    Map<String, String> compacted = Map.of("cleanup.policy", "compact");
    create(admin, List.of(
        new NewTopic(FUNCTIONS, Optional.of(1), Optional.empty()).configs(compacted),
        new NewTopic(CODE, Optional.of(1), Optional.empty())
            .configs(Map.of("cleanup.policy", "compact", "max.message.bytes", Integer.toString(16 * 1024 * 1024))),
        new NewTopic(METRICS, Optional.of(3), Optional.empty()),
        new NewTopic(LOGS, Optional.of(3), Optional.empty()),
        new NewTopic(STATUS, Optional.of(1), Optional.empty()).configs(compacted)));
  }

  /** Creates topics that do not exist yet, with the cluster's default partitions and replication. Blocking. */
  public static void ensureTopics(Admin admin, List<String> names) {
    create(admin, names.stream().map(n -> new NewTopic(n, Optional.empty(), Optional.empty())).toList());
  }

  private static void create(Admin admin, List<NewTopic> topics) {
    for (var entry : admin.createTopics(topics).values().entrySet()) {
      try {
        entry.getValue().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("create topic " + entry.getKey() + ": interrupted", e);
      }
    }
  }
}
