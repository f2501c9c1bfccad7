package dev.sockeye.binding;

import dev.sockeye.binding.retry.RetryPolicy;
import dev.sockeye.binding.transaction.TransactionalDelivery;
import dev.sockeye.executor.Executor;
import dev.sockeye.format.InputDecoder;
import dev.sockeye.format.InputSettings;
import dev.sockeye.function.DeliveryMode;
import dev.sockeye.function.FunctionDefinition;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds one function version's topics to the executor. Thin: the {@link Dispatcher} holds the
 * delivery logic and lives on this verticle's event-loop context; the {@link Poller} thread hands
 * records over with {@code runOnContext}; the {@link Delivery} writes results (and, in exactly-once
 * mode, commits transactions on its own thread). Nothing here blocks the event loop.
 *
 * <p>Stop order: stop dispatching and pause, drain in-flight work with a deadline, flush the
 * delivery (commit), close the poller (which commits and closes the consumer), close the delivery.
 */
public final class BindingVerticle extends VerticleBase implements PollerSink {
  private static final Logger log = LoggerFactory.getLogger(BindingVerticle.class);
  /** How often the poll thread measures lag: two broker round trips each time. */
  private static final Duration LAG_EVERY = Duration.ofSeconds(1);

  private final FunctionDefinition function;
  private final String version;
  private final Executor executor;
  private final KafkaAccess kafka;
  private final Clock clock;
  private final InputDecoder decoder;
  private Poller poller;
  private Delivery delivery;
  private Dispatcher dispatcher;
  private BindingObserver.Factory observers = (f, g) -> BindingObserver.NONE;
  private BindingObserver observer = BindingObserver.NONE;

  public BindingVerticle(FunctionDefinition function, String version, Executor executor, KafkaAccess kafka, Clock clock) {
    this(function, version, executor, kafka, clock, InputDecoder.of(InputSettings.AUTO));
  }

  /** With {@code decoder} decoding records in the function's input format (triggers.kafka.format). */
  public BindingVerticle(FunctionDefinition function, String version, Executor executor, KafkaAccess kafka, Clock clock,
      InputDecoder decoder) {
    this.decoder = decoder;
    this.function = function;
    this.version = version;
    this.executor = executor;
    this.kafka = kafka;
    this.clock = clock;
  }

  /** Before deployment: where the binding reports what it does (metrics). */
  public BindingVerticle observedBy(BindingObserver.Factory factory) {
    this.observers = factory;
    return this;
  }

  @Override
  public Future<?> start() {
    observer = observers.forBinding(function.name(), function.group());
    var subscription = new Poller.Subscription(function.topics(), function.delivery().topicPattern());
    poller = new Poller(kafka.consumerFor(function), subscription, function.group(), function.delivery().start(), drainDeadline(), this);
    delivery = function.delivery().mode() == DeliveryMode.EXACTLY_ONCE
        ? new TransactionalDelivery(function.group(), () -> kafka.transactionalProducer(function.group()),
            poller::groupMetadata, poller::rewind, 20, 1_000_000)
        : new AtLeastOnceDelivery(kafka.producer(), kafka.sender(), poller::commit, clock);
    Dispatcher.Loop loop = (delay, task) -> {
      if (delay <= 0) {
        context.runOnContext(v -> task.run());
      } else {
        vertx.setTimer(delay, id -> task.run());
      }
    };
    dispatcher = new Dispatcher(function, new ResultRecords(function.name(), version, clock),
        DecodingInvoker.wrap(decoder, (events, mode) -> executor.invoke(function.name(), events, mode)), delivery, loop, poller::pause,
        new RetryPolicy(function.delivery().retry(), () -> ThreadLocalRandom.current().nextDouble()), clock);
    dispatcher.observer = observer;
    poller.observe(observer, clock, LAG_EVERY);
    if (delivery instanceof TransactionalDelivery t) {
      t.observe(observer);
    }
    poller.start();
    return Future.succeededFuture();
  }

  /** A revocation or stop waits this long for in-flight work: one batch's worth of timeouts, within reason. */
  private Duration drainDeadline() {
    long batchMs = (long) function.delivery().batch().size() * function.limits().timeoutMs();
    return Duration.ofMillis(Math.min(60_000, batchMs + 5_000));
  }

  // ---- PollerSink: called on the poll thread, hands off to the context in order.

  @Override
  public void records(List<ConsumerRecord<byte[], byte[]>> records, long epoch) {
    context.runOnContext(v -> dispatcher.offer(records, epoch));
  }

  @Override
  public void assigned(Collection<TopicPartition> parts, long epoch) {
    List<TopicPartition> copy = new ArrayList<>(parts);
    context.runOnContext(v -> {
      delivery.forget(copy); // a rewind after an aborted transaction: what was staged runs again
      dispatcher.assigned(copy, epoch);
    });
  }

  @Override
  public CompletableFuture<Void> revoking(Collection<TopicPartition> parts) {
    List<TopicPartition> copy = new ArrayList<>(parts);
    CompletableFuture<Void> drained = new CompletableFuture<>();
    context.runOnContext(v -> {
      dispatcher.revoked(copy);
      dispatcher.whenIdle(copy, () -> delivery.flush().whenComplete((x, e) -> drained.complete(null)));
    });
    return drained;
  }

  @Override
  public void released(Collection<TopicPartition> parts) {
    List<TopicPartition> copy = new ArrayList<>(parts);
    context.runOnContext(v -> {
      delivery.forget(copy);
      dispatcher.released(copy);
    });
  }

  @Override
  public Future<?> stop() {
    poller.pauseAll();
    Promise<Void> drained = Promise.promise();
    dispatcher.stop();
    dispatcher.whenIdle(null, drained::tryComplete);
    Future<Void> deadline = vertx.timer(drainDeadline().toMillis()).mapEmpty();
    return Future.any(drained.future(), deadline)
        .compose(v -> Future.fromCompletionStage(delivery.flush(), context))
        .compose(v -> vertx.executeBlocking(() -> {
          poller.close();
          delivery.close();
          observer.closed();
          return null;
        }))
        .onComplete(v -> log.info("binding of {} version {} stopped ({} still in flight)",
            function.name(), version.substring(0, Math.min(12, version.length())), dispatcher.inFlight()));
  }
}
