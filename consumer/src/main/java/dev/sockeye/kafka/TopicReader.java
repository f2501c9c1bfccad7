package dev.sockeye.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads whole topics from the beginning without a group, for the demo and for checks. Blocking. */
public final class TopicReader {
  private TopicReader() {}

  /** Reads everything {@code topics} hold now, from the beginning to the end offsets seen at the start. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConnection kafka, Collection<String> topics, Duration timeout) {
    Map<String, Object> config = KafkaClients.consumerConfig(kafka, null, "sockeye-reader");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    Instant deadline = Instant.now().plus(timeout);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> parts = partitions(consumer, topics, timeout);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (Instant.now().isBefore(deadline) && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, Collection<String> topics, Duration timeout) {
    List<TopicPartition> parts = new ArrayList<>();
    for (String t : topics) {
      consumer.partitionsFor(t, timeout).forEach(p -> parts.add(new TopicPartition(t, p.partition())));
    }
    return parts;
  }

  /**
   * Reads {@code topics} from the beginning until {@code count} records arrived or {@code timeout}
   * passed; returns what arrived. With {@code readCommitted}, records of aborted transactions are skipped.
   */
  public static List<ConsumerRecord<byte[], byte[]>> read(
      KafkaConnection kafka, Collection<String> topics, int count, Duration timeout, boolean readCommitted) {
    Map<String, Object> config = KafkaClients.consumerConfig(kafka, null, "sockeye-reader");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    Instant deadline = Instant.now().plus(timeout);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> parts = partitions(consumer, topics, timeout);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (out.size() < count && Instant.now().isBefore(deadline)) {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
      }
    }
    return out;
  }
}
