package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.binding.Bounded.Range;
import dev.sockeye.control.Registry;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Turns a {@link ReplayRequest} into a {@link ReplayPlan}: offsets resolved, result and dead-letter
 * topics named, a file staged (unless a dry run, which only reads it). Blocking; stateless.
 */
final class Planner {
  private Planner() {}

  static String stagingTopic(String name) {
    return "sockeye.replay." + name + ".input";
  }

  /** The topic whose result topic the replay's is derived from: the source's, or the function's first. */
  private static String baseTopic(FunctionDefinition f, ReplayRequest.Source source) {
    if (source instanceof ReplayRequest.Topic t) {
      return t.topic();
    }
    if (source instanceof ReplayRequest.DeadLetters d && d.topic().endsWith(".dlq")) {
      return d.topic().substring(0, d.topic().length() - ".dlq".length());
    }
    return f.topics().isEmpty() ? f.name() : f.topics().get(0);
  }

  /** Resolves the plan; a file is staged only when {@code stage} (its line count is what a dry run shows). */
  static ReplayPlan plan(KafkaConnection connection, Admin admin, ReplayRequest req, String name, Registry.Deployment d, boolean stage,
                       java.io.PrintStream warnings) {
    FunctionDefinition f = d.definition();
    String base = baseTopic(f, req.source());
    String results = req.resultTopic() != null ? req.resultTopic() : f.resultTopicFor(base) + ".replay." + name;
    String deadLetters = f.delivery().deadLetterTopicFor(base) + ".replay." + name;
    if (req.source() instanceof ReplayRequest.Topic t) {
      return new ReplayPlan(name, f.name(), d.version(), ReplayPlan.Kind.TOPIC, t.label(),
          ranges(connection, t.topic(), t.partitions(), t.from(), t.to()), results, deadLetters, 0);
    }
    if (req.source() instanceof ReplayRequest.DeadLetters dl) {
      return new ReplayPlan(name, f.name(), d.version(), ReplayPlan.Kind.DEAD_LETTERS, dl.label(),
          ranges(connection, dl.topic(), dl.partitions(), dl.from(), dl.to()), results, deadLetters, 0);
    }
    ReplayRequest.File file = (ReplayRequest.File) req.source();
    String staging = stagingTopic(name);
    FileStager stager = new FileStager(connection, f.name(), base, deadLetters);
    if (!stage) {
      FileStager.Staged counted = stager.count(file.path());
      counted.problems().forEach(p -> warnings.println("warning: " + p));
      return new ReplayPlan(name, f.name(), d.version(), ReplayPlan.Kind.FILE, file.label(),
          Map.of(new TopicPartition(staging, 0), new Range(0, counted.records())), results, deadLetters, counted.malformed());
    }
    recreate(admin, staging);
    ensure(admin, List.of(deadLetters));
    FileStager.Staged staged = stager.stage(file.path(), staging);
    staged.problems().forEach(p -> warnings.println("warning: " + p));
    if (staged.records() == 0) {
      throw new UsageException("--file " + file.path() + ": no records to replay" + (staged.malformed() > 0
          ? " (" + staged.malformed() + " malformed lines were dead-lettered to " + deadLetters + ")" : ""));
    }
    return new ReplayPlan(name, f.name(), d.version(), ReplayPlan.Kind.FILE, file.label(),
        Map.of(new TopicPartition(staging, 0), new Range(0, staged.records())), results, deadLetters, staged.malformed());
  }

  private static Map<TopicPartition, Range> ranges(KafkaConnection connection, String topic, List<Integer> partitions, OffsetBound from, OffsetBound to) {
    try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaClients.consumerConfig(connection, null, "sockeye-replay-plan"))) {
      return TopicRange.resolve(consumer, topic, partitions, from, to);
    }
  }

  /** A staging topic left by a replay killed while staging is incomplete: it is staged again from the start. */
  private static void recreate(Admin admin, String topic) {
    try {
      if (admin.listTopics().names().get().contains(topic)) {
        admin.deleteTopics(List.of(topic)).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.listTopics().names().get().contains(topic) && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L); // topic deletion is asynchronous in the broker
        }
      }
      createWithRetry(admin, topic);
    } catch (ExecutionException e) {
      throw new IllegalStateException("recreate staging topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("recreate staging topic " + topic + ": interrupted", e);
    }
  }

  /** Right after a delete, the broker may still refuse the name for a moment. */
  private static void createWithRetry(Admin admin, String topic) throws InterruptedException, ExecutionException {
    for (int attempt = 0; ; attempt++) {
      try {
        admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()))).all().get();
        return;
      } catch (ExecutionException e) {
        if (attempt >= 50 || !(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
          throw e;
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
      }
    }
  }

  static void ensure(Admin admin, List<String> topics) {
    dev.sockeye.control.ControlTopics.ensureTopics(admin, topics);
  }
}
