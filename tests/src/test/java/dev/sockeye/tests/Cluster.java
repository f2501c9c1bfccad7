package dev.sockeye.tests;

import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.codec.AvroBytes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** What tests ask of the real broker: topics, records, results, metrics and committed offsets. */
final class Cluster {
  private Cluster() {}

  static void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap())))) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), Optional.empty()))).all().get();
    }
  }

  /** Sends records in order to one partition, or spread by key when {@code partition} is null. */
  static void send(String topic, Integer partition, List<byte[]> values) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), "test"))) {
      int i = 0;
      for (byte[] v : values) {
        byte[] key = ("k" + i++).getBytes(StandardCharsets.UTF_8);
        p.send(new ProducerRecord<>(topic, partition, key, v));
      }
      p.flush();
    }
  }

  /** Sends {@code count} JSON records {"i": n} with keys spread over {@code keys}, fast. */
  static void sendMany(String topic, int count, int keys) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), "test"))) {
      for (int i = 0; i < count; i++) {
        p.send(new ProducerRecord<>(topic, ("k" + (i % keys)).getBytes(StandardCharsets.UTF_8), ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }

  /**
   * Reads results of {@code topic} until every one of {@code expected} idempotency keys was seen or
   * {@code timeout} passed; returns how often each key was seen.
   */
  static Map<String, Integer> resultCounts(String topic, int expected, Duration timeout, boolean readCommitted) {
    Map<String, Object> config = KafkaClients.consumerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), null, "test-reader");
    config.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    Map<String, Integer> counts = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(config)) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (counts.size() < expected && System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          counts.merge(AvroBytes.RESULT.decode(r.value()).getIdempotencyKey(), 1, Integer::sum);
        }
      }
      // what arrives shortly after the last key (duplicates) counts too
      long settle = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < settle) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          counts.merge(AvroBytes.RESULT.decode(r.value()).getIdempotencyKey(), 1, Integer::sum);
        }
      }
    }
    return counts;
  }

  static List<byte[]> json(List<String> values) {
    return values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
  }

  static List<InvocationResult> results(String topic, int count) {
    return TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of(topic), count, Duration.ofSeconds(60), false).stream()
        .map(r -> AvroBytes.RESULT.decode(r.value())).toList();
  }

  /** Every result on {@code topic} now. */
  static List<InvocationResult> allResults(String topic) {
    return TopicReader.readAll(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of(topic), Duration.ofSeconds(30)).stream()
        .map(r -> AvroBytes.RESULT.decode(r.value())).toList();
  }

  /** Every metric of {@code function} on sockeye.metrics now. */
  static List<InvocationMetric> metrics(String function) {
    return TopicReader.readAll(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of("sockeye.metrics"), Duration.ofSeconds(30)).stream()
        .map(r -> AvroBytes.METRIC.decode(r.value()))
        .filter(m -> m.getFunction().equals(function)).toList();
  }

  static String output(InvocationResult r) {
    return r.getOutput() == null ? null : StandardCharsets.UTF_8.decode(r.getOutput().duplicate()).toString();
  }

  /** Committed offset of {@code group} per partition of {@code topic}, -1 where none. */
  static Map<Integer, Long> committed(String group, String topic) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap())))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<Integer, Long> out = new HashMap<>();
      offsets.forEach((tp, o) -> {
        if (tp.topic().equals(topic) && o != null) {
          out.put(tp.partition(), o.offset());
        }
      });
      return out;
    }
  }

  static Map<Integer, Long> endOffsets(String topic) throws Exception {
    try (Admin admin = Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap())))) {
      int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> request = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        request.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      return admin.listOffsets(request).all().get().entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }
  }
}
