package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Replay plans by name in the compacted topic {@code sockeye.replays}. Blocking calls; stateless. */
final class ReplayStore {
  static final String TOPIC = "sockeye.replays";

  private ReplayStore() {}

  static void ensureTopic(Admin admin) {
    try {
      admin.createTopics(List.of(new NewTopic(TOPIC, Optional.of(1), Optional.empty()).configs(Map.of("cleanup.policy", "compact"))))
          .all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("create topic " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("create topic " + TOPIC + ": interrupted", e);
    }
  }

  /** The latest plan stored under {@code name}, if any. */
  static Optional<ReplayPlan> find(KafkaConnection connection, String name) {
    ReplayPlan found = null;
    try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaClients.consumerConfig(connection, null, "sockeye-replay-plans"))) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
      while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals(name)) {
            found = r.value() == null ? null : ReplayPlan.fromJson(r.value());
          }
        }
      }
    }
    return Optional.ofNullable(found);
  }

  static void save(KafkaConnection connection, ReplayPlan plan) {
    try (var producer = new KafkaProducer<byte[], byte[]>(KafkaClients.producerConfig(connection, "sockeye-replay-plans"))) {
      producer.send(new ProducerRecord<>(TOPIC, plan.name().getBytes(StandardCharsets.UTF_8), plan.toJson())).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("save replay plan " + plan.name() + " to " + TOPIC + ": " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("save replay plan " + plan.name() + ": interrupted", e);
    }
  }
}
