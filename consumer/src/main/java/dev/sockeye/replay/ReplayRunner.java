package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.binding.BindingVerticle;
import dev.sockeye.binding.Bounded;
import dev.sockeye.binding.KafkaAccess;
import dev.sockeye.control.Registry;
import dev.sockeye.executor.Executor;
import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.function.DeliverySettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.Requirements;
import dev.sockeye.function.StartPosition;
import dev.sockeye.kafka.KafkaClients;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Runs a {@link ReplayPlan} through the service's own binding machinery: one {@link BindingVerticle}
 * in bounded mode, on the replay's group and result topic, invoking {@code executor} (sandboxes,
 * zygotes, ordering, batching and retries as configured for the function). Owns its Vert.x, its
 * producer and its sender thread, not the executor.
 *
 * <p>Stop order: the binding (stop polling, drain with a deadline, commit), the producer, Vert.x.
 * {@link #stop()} may be called from any thread (a shutdown hook) and is idempotent.
 */
final class ReplayRunner implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final KafkaProducer<byte[], byte[]> producer;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> new Thread(r, "replay-send"));
  private final CompletableFuture<String> deployed = new CompletableFuture<>();
  private final AtomicBoolean stopped = new AtomicBoolean();

  ReplayRunner(KafkaConnection connection) {
    Map<String, Object> c = KafkaClients.producerConfig(connection, "sockeye-replay");
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(c);
  }

  /** The function as the replay runs it: its own group, results and dead letters; no pattern; ranges instead of a start. */
  static FunctionDefinition definitionFor(FunctionDefinition f, ReplayPlan plan) {
    DeliverySettings d = f.delivery();
    DeliverySettings replay = new DeliverySettings(null, plan.group(), StartPosition.EARLIEST, d.ordering(), d.maxInFlight(), d.batch(),
        d.retry(), plan.deadLetterTopic(), d.mode());
    return new FunctionDefinition(f.name(), f.topics(), plan.resultTopic(), f.limits(), replay, f.tenant());
  }

  /** Deploys the function's version to the executor and starts the bounded binding; {@code progress} hears of every result. */
  void start(KafkaConnection connection, Executor executor, Registry.Deployment d, ReplayPlan plan, Bounded.Throttle throttle, Progress progress,
             Clock clock) {
    FunctionDefinition f = definitionFor(d.definition(), plan);
    executor.deploy(new FunctionDeployment(f.name(), d.version(), d.codeDir(), f.limits(), Requirements.read(d.codeDir()), f.tenant()));
    // A stable transactional id per replay: a restarted replay fences its killed predecessor's open transaction.
    KafkaAccess kafka = new KafkaAccess(connection, producer, sender, "replay-" + plan.name());
    Bounded bounded = new Bounded(plan.name(), plan.ranges(), plan.kind() == ReplayPlan.Kind.TOPIC ? r -> r : Restore::original,
        throttle, progress);
    // The function's input format travels with its code, as in the service.
    var decoder = dev.sockeye.format.InputDecoder.of(dev.sockeye.format.InputYaml.read(d.codeDir()));
    vertx.deployVerticle(new BindingVerticle(f, d.version(), executor, kafka, clock, decoder, bounded))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            deployed.complete(ar.result());
          } else {
            deployed.completeExceptionally(ar.cause());
          }
        });
  }

  /** Stops the binding: what is in flight drains (up to its deadline) and progress is committed. Idempotent, blocking. */
  void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    try {
      String id = deployed.get(60, TimeUnit.SECONDS);
      vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(ReplayRunner.class).warn("replay binding did not stop cleanly: {}", e.toString());
    }
  }

  /** Stops the binding if running, then closes the producer and Vert.x. Idempotent, blocking. */
  @Override
  public void close() {
    stop();
    sender.shutdown();
    producer.close(Duration.ofSeconds(10));
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(ReplayRunner.class).warn("vert.x did not close cleanly: {}", e.toString());
    }
  }
}
