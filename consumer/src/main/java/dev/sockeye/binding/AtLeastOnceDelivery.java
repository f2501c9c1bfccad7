package dev.sockeye.binding;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once: an emission is delivered once its result and dead letter are acknowledged by the
 * broker; offsets go to the poller, which commits them. A result the topic refuses as too large is
 * replaced by an error result and a dead letter saying so. The metric is written after the result
 * and best-effort: losing one must not make the result be written twice.
 *
 * <p>Records are sent in the order {@link #deliver} is called: they queue here and {@code sender},
 * the one thread that calls {@code send} (which may block on metadata or a full buffer), drains the
 * queue in one task however many are waiting, rather than one task per record.
 *
 * <p>Thread-safe: the shared producer is, and the queue is a concurrent one.
 */
final class AtLeastOnceDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(AtLeastOnceDelivery.class);

  private record Send(ProducerRecord<byte[], byte[]> record, CompletableFuture<Void> done) {}

  private final Producer<byte[], byte[]> producer;
  private final BiConsumer<TopicPartition, Long> commits;
  private final Clock clock;
  private final Mailbox<Send> outbox;

  AtLeastOnceDelivery(Producer<byte[], byte[]> producer, Executor sender, BiConsumer<TopicPartition, Long> commits, Clock clock) {
    this.producer = producer;
    this.outbox = new Mailbox<>(sender, this::write);
    this.commits = commits;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<Void> deliver(Emission e) {
    Instant sent = clock.instant();
    CompletableFuture<Void> dead = e.deadLetterOrNull() == null ? CompletableFuture.completedFuture(null) : send(e.deadLetterOrNull());
    CompletableFuture<Void> result = send(e.result()).exceptionallyCompose(err ->
        err instanceof RecordTooLargeException && e.whenResultTooLarge() != null
            ? deliver(e.whenResultTooLarge().get())
            : CompletableFuture.failedFuture(err));
    return CompletableFuture.allOf(dead, result).thenRun(() -> {
      long publishUs = Duration.between(sent, clock.instant()).toNanos() / 1_000;
      send(e.metric().apply(publishUs)).exceptionally(err -> {
        log.warn("metric of {} not written: {}", e.result().topic(), err.toString());
        return null;
      });
    });
  }

  @Override
  public void committable(TopicPartition tp, long nextOffset) {
    commits.accept(tp, nextOffset);
  }

  @Override
  public CompletableFuture<Void> flush() {
    return CompletableFuture.completedFuture(null); // every delivery was acknowledged already
  }

  private CompletableFuture<Void> send(ProducerRecord<byte[], byte[]> pr) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    outbox.post(new Send(pr, done));
    return done;
  }

  /** On the sender thread, in the order the records were queued. */
  private void write(Send s) {
    CompletableFuture<Void> done = s.done();
    try {
      producer.send(s.record(), (meta, err) -> {
        if (err != null) {
          done.completeExceptionally(err);
        } else {
          done.complete(null);
        }
      });
    } catch (RuntimeException err) { // size checks and a closed producer fail before the callback exists
      done.completeExceptionally(err);
    }
  }

  @Override
  public void close() {
    // the producer and the sender belong to the service
  }
}
