package dev.sockeye.binding;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One polled record on its way through the binding, tagged with its partition's assignment epoch.
 * Mutable ({@code attempts}, {@code firstFailure}); owned by the binding's event loop.
 */
final class Work {
  final ConsumerRecord<byte[], byte[]> record;
  final TopicPartition partition;
  final long epoch;
  final Instant polledAt;
  int attempts;
  Instant firstFailure;
  boolean released; // its lane was told it is done (it may still await its write's acknowledgement)
  boolean unacknowledged; // its emission was handed to the delivery and not yet acknowledged

  Work(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, long epoch, Instant polledAt) {
    this.record = record;
    this.partition = partition;
    this.epoch = epoch;
    this.polledAt = polledAt;
  }

  /** Keys compare by content; a null key is one lane of its own per partition. */
  Object key() {
    return record.key() == null ? "" : ByteBuffer.wrap(record.key());
  }

  long bytes() {
    return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
  }

  @Override
  public String toString() {
    return Events.idempotencyKey(record);
  }
}
