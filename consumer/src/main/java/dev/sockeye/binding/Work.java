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
  /** What the handler sees and the result describes: {@code record} itself, except in a replay of dead letters or files. */
  final ConsumerRecord<byte[], byte[]> presented;
  final TopicPartition partition;
  final long epoch;
  final Instant polledAt;
  int attempts;
  Instant firstFailure;
  boolean released; // its lane was told it is done (it may still await its write's acknowledgement)
  boolean unacknowledged; // its emission was handed to the delivery and not yet acknowledged
  dev.sockeye.executor.InvocationOutcome outcome; // its final outcome, once emitted
  boolean deadLettered;

  Work(ConsumerRecord<byte[], byte[]> record, ConsumerRecord<byte[], byte[]> presented, TopicPartition partition, long epoch, Instant polledAt) {
    this.record = record;
    this.presented = presented;
    this.partition = partition;
    this.epoch = epoch;
    this.polledAt = polledAt;
  }

  /** Why it is dead-lettered after its last {@code outcome}, for the dead letter's headers. */
  dev.sockeye.binding.deadletter.DeadLetters.Failure failure(String function, int timeoutMs, dev.sockeye.executor.InvocationOutcome o,
                                                              String reason) {
    String type = o instanceof dev.sockeye.executor.InvocationOutcome.Failed f ? f.errorType() : "Timeout";
    String message = o instanceof dev.sockeye.executor.InvocationOutcome.Failed f ? f.errorMessage() : "handler ran past timeout_ms=" + timeoutMs;
    return new dev.sockeye.binding.deadletter.DeadLetters.Failure(function, attempts, type, message, reason, firstFailure);
  }

  /** Keys compare by content; a null key is one lane of its own per partition. */
  Object key() {
    return presented.key() == null ? "" : ByteBuffer.wrap(presented.key());
  }

  long bytes() {
    return (presented.key() == null ? 0 : presented.key().length) + (presented.value() == null ? 0 : presented.value().length);
  }

  @Override
  public String toString() {
    return Events.idempotencyKey(record);
  }
}
