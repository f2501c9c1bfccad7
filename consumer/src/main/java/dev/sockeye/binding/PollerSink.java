package dev.sockeye.binding;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/** What a {@link Poller} reports. Called on the poll thread; implementations hand off and return at once. */
interface PollerSink {
  /** Records of partitions assigned in {@code epoch}. */
  void records(List<ConsumerRecord<byte[], byte[]>> records, long epoch);

  /** Partitions now owned (or rewound to their committed offsets); results of earlier epochs for them must not be committed. */
  void assigned(Collection<TopicPartition> partitions, long epoch);

  /**
   * Partitions about to move: stop dispatching them and drain their in-flight work. Completes once
   * they are drained and what is committable was handed to the poller (or committed in a
   * transaction); the poller waits for it up to its drain deadline, commits, then releases.
   */
  CompletableFuture<Void> revoking(Collection<TopicPartition> partitions);

  /** A bounded binding's partition was fetched to the end of its range (in {@code epoch}): nothing more of it comes. */
  default void reachedEnd(TopicPartition partition, long epoch) {}

  /** Partitions no longer owned: late results for them are dropped. */
  void released(Collection<TopicPartition> partitions);
}
