package dev.sockeye.binding;

import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** What a {@link Poller} reports. Called on the poll thread; implementations hand off and return at once. */
interface PollerSink {
  /** Records of partitions assigned in {@code epoch}. */
  void records(List<ConsumerRecord<byte[], byte[]>> records, long epoch);

  /** Partitions now owned; results of earlier epochs for them must not be committed. */
  void assigned(Collection<TopicPartition> partitions, long epoch);

  /** Partitions no longer owned. */
  void revoked(Collection<TopicPartition> partitions);
}
