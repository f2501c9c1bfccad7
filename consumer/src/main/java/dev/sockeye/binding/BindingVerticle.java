package dev.sockeye.binding;

import dev.sockeye.executor.Executor;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.function.FunctionDefinition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one function version's topics to the executor. It owns, on its event-loop context, the
 * per-partition offset trackers, their assignment epochs and the in-flight count; the {@link Poller}
 * thread hands records over with {@code runOnContext}. Nothing here blocks: the executor and the
 * publisher return futures, and the poller is closed on a worker thread.
 */
public final class BindingVerticle extends VerticleBase implements PollerSink {
  private static final Logger log = LoggerFactory.getLogger(BindingVerticle.class);
  private static final long MAX_PUBLISH_BACKOFF_MS = 30_000;

  private final FunctionDefinition function;
  private final String version;
  private final Executor executor;
  private final ResultPublisher publisher;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final Clock clock;
  private final int maxInFlight;

  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private Poller poller;
  private int inFlight;
  private boolean stopping;
  private Promise<Void> drained;

  /** The partitions this binding owns in one assignment epoch. */
  private record PartitionState(long epoch, OffsetTracker tracker) {}

  public BindingVerticle(
      FunctionDefinition function,
      String version,
      Executor executor,
      KafkaAccess kafka,
      Clock clock) {
    this.function = function;
    this.version = version;
    this.executor = executor;
    this.publisher = new ResultPublisher(kafka.producer(), kafka.sender(), clock);
    this.consumers = () -> kafka.consumerFor(function.group());
    this.clock = clock;
    // Enough queued work to keep every instance busy while results round-trip, and no more:
    // beyond this the partitions pause, so memory stays bounded whatever the lag.
    this.maxInFlight = function.limits().concurrency() * 4;
  }

  @Override
  public Future<?> start() {
    poller = new Poller(consumers.get(), function.topics(), function.group(), this);
    poller.start();
    return Future.succeededFuture();
  }

  // ---- PollerSink: called on the poll thread, hands off to the context in order.

  @Override
  public void records(List<ConsumerRecord<byte[], byte[]>> records, long epoch) {
    Instant polledAt = clock.instant();
    context.runOnContext(v -> records.forEach(r -> dispatch(r, epoch, polledAt)));
  }

  @Override
  public void assigned(Collection<TopicPartition> parts, long epoch) {
    context.runOnContext(v -> parts.forEach(tp -> partitions.put(tp, new PartitionState(epoch, new OffsetTracker()))));
  }

  @Override
  public void revoked(Collection<TopicPartition> parts) {
    context.runOnContext(v -> parts.forEach(partitions::remove));
  }

  // ---- on the context

  private void dispatch(ConsumerRecord<byte[], byte[]> r, long epoch, Instant polledAt) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    PartitionState state = partitions.get(tp);
    if (state == null || state.epoch() != epoch || stopping) {
      return; // no longer ours: the next owner (or our restart) consumes it from the committed offset
    }
    state.tracker().begin(r.offset());
    if (++inFlight >= maxInFlight) {
      poller.pause(true);
    }
    var subject = new ResultPublisher.Subject(function.name(), version, function.resultTopicFor(r.topic()), r, polledAt);
    Future.fromCompletionStage(executor.invoke(function.name(), List.of(Events.of(r))), context)
        .compose(outcomes -> publish(subject, outcomes.get(0), 0))
        .onComplete(ar -> done(tp, epoch, r.offset(), ar.succeeded()));
  }

  /** Retries a failed publication with capped exponential backoff: an unacknowledged result is never committed past. */
  private Future<Void> publish(ResultPublisher.Subject subject, InvocationOutcome outcome, int attempt) {
    return Future.fromCompletionStage(publisher.publish(subject, outcome), context)
        .recover(e -> {
          if (stopping) {
            return Future.failedFuture(e);
          }
          long backoff = Math.min(MAX_PUBLISH_BACKOFF_MS, 100L << Math.min(attempt, 16));
          log.warn("publish result of {} to {} failed (attempt {}), retrying in {} ms: {}",
              Events.idempotencyKey(subject.record()), subject.resultTopic(), attempt + 1, backoff, e.toString());
          return vertx.timer(backoff).compose(v -> publish(subject, outcome, attempt + 1));
        });
  }

  private void done(TopicPartition tp, long epoch, long offset, boolean published) {
    if (--inFlight <= maxInFlight / 2 && !stopping) {
      poller.pause(false);
    }
    PartitionState state = partitions.get(tp);
    if (published && state != null && state.epoch() == epoch) {
      state.tracker().complete(offset).ifPresent(next -> poller.commit(tp, next));
    }
    if (inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
  }

  /** Stop order: stop polling new work, drain what is in flight (with a deadline), commit, close the consumer. */
  @Override
  public Future<?> stop() {
    stopping = true;
    poller.pause(true);
    drained = Promise.promise();
    if (inFlight == 0) {
      drained.complete();
    }
    long deadlineMs = Math.min(60_000, function.limits().timeoutMs() + 5_000L);
    Future<Void> deadline = vertx.timer(deadlineMs).mapEmpty();
    return Future.any(drained.future(), deadline)
        .compose(v -> vertx.executeBlocking(() -> {
          poller.close();
          return null;
        }))
        .onComplete(v -> log.info("binding of {} version {} stopped ({} still in flight)", function.name(), version.substring(0, 12), inFlight));
  }
}
