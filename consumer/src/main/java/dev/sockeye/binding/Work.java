package dev.sockeye.binding;

import java.nio.ByteBuffer;
import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.Timings;
import java.time.Duration;
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
  Instant emittedAt; // first handed to the delivery: when publishing began
  String deadLetterReason; // why it was dead-lettered, or null

  Work(ConsumerRecord<byte[], byte[]> record, TopicPartition partition, long epoch, Instant polledAt) {
    this.record = record;
    this.partition = partition;
    this.epoch = epoch;
    this.polledAt = polledAt;
  }

  /** The first time its emission is handed to the delivery: publishing begins. */
  void emitting(Instant now, String deadLetterReasonOrNull) {
    if (emittedAt == null) {
      emittedAt = now;
      deadLetterReason = deadLetterReasonOrNull;
    }
  }

  /** From poll to an instance: the binding's wait before dispatch plus the executor's queue. */
  Duration queued(Timings t, Instant now) {
    long sincePollUs = Duration.between(polledAt, now).toNanos() / 1_000;
    return Duration.ofNanos(Math.max(0, sincePollUs - t.totalUs() + t.queuedUs()) * 1_000);
  }

  /** From the record's timestamp (when the event happened) to {@code now}. */
  Duration sinceEvent(Instant now) {
    return Duration.ofMillis(Math.max(0, now.toEpochMilli() - record.timestamp()));
  }

  Duration publishing(Instant now) {
    return emittedAt == null ? Duration.ZERO : Duration.between(emittedAt, now);
  }

  /** Why it is dead-lettered after {@code o}, its last outcome. */
  DeadLetters.Failure failure(InvocationOutcome o, String function, long timeoutMs, String reason) {
    String type = o instanceof InvocationOutcome.Failed f ? f.errorType() : "Timeout";
    String message = o instanceof InvocationOutcome.Failed f ? f.errorMessage() : "handler ran past timeout_ms=" + timeoutMs;
    return new DeadLetters.Failure(function, attempts, type, message, reason, firstFailure);
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
