package dev.sockeye.service;

import dev.sockeye.binding.BindingVerticle;
import dev.sockeye.binding.KafkaAccess;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.control.Registry;
import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ExecutorSettings;
import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running service. It follows the control topics and keeps, for each deployed function, its
 * executor pool and one {@link BindingVerticle}; a redeploy replaces both.
 *
 * <p>Thread-safety: {@code bindings} is owned by the registry thread, the only caller of the
 * listener methods. Shutdown order: stop following deployments, stop every binding (stop polling,
 * drain in-flight work with a deadline, commit), close the producer, kill every instance and zygote,
 * close Vert.x.
 */
public final class SockeyeService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SockeyeService.class);

  private final Vertx vertx;
  private final Executor executor;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> new Thread(r, "sockeye-send"));
  private final Registry registry;
  private final Clock clock;
  private final Map<String, Future<String>> bindings = new HashMap<>(); // owned by the registry thread
  private final AtomicBoolean closed = new AtomicBoolean();

  private SockeyeService(ServiceSettings settings, Clock clock) throws Exception {
    this.clock = clock;
    Path work = Files.createDirectories(settings.dataDir().resolve("run"));
    this.admin = Admin.create(KafkaClients.adminConfig(settings.bootstrapServers()));
    try {
      ControlTopics.ensure(admin); // fails fast, before anything else exists, when Kafka is unreachable
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
    this.vertx = Vertx.vertx();
    this.executor = new Executor(new ExecutorSettings(settings.python(), work, List.of(), Duration.ofSeconds(30)), clock);
    this.producer = new KafkaProducer<>(KafkaClients.producerConfig(settings.bootstrapServers(), "sockeye-results"));
    KafkaAccess kafka = new KafkaAccess(settings.bootstrapServers(), producer, sender, instanceId(settings.dataDir()));
    this.registry = new Registry(settings.bootstrapServers(), settings.dataDir().resolve("functions"), new Listener(kafka));
  }

  /**
   * A stable id for this service instance, kept in its data directory: transactional producers
   * derive their ids from it, so a restart fences its predecessor's zombie transactions at once.
   */
  private static String instanceId(Path dataDir) throws java.io.IOException {
    Path file = dataDir.resolve("instance-id");
    if (Files.isRegularFile(file)) {
      return Files.readString(file).trim();
    }
    String id = java.util.UUID.randomUUID().toString().substring(0, 12);
    Files.writeString(file, id);
    return id;
  }

  /** Starts the service and waits until every deployment known to the cluster is running. */
  public static SockeyeService start(ServiceSettings settings, Clock clock) {
    SockeyeService s = null;
    try {
      s = new SockeyeService(settings, clock);
      s.registry.start();
      if (!s.registry.awaitCaughtUp(Duration.ofSeconds(60))) {
        throw new IllegalStateException("could not read " + ControlTopics.FUNCTIONS + " from " + settings.bootstrapServers() + " within 60 s");
      }
      return s;
    } catch (Exception e) {
      if (s != null) {
        s.close();
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException("start service: " + e.getMessage(), e);
    }
  }

  public Executor executor() {
    return executor;
  }

  private final class Listener implements Registry.Listener {
    private final KafkaAccess kafka;

    Listener(KafkaAccess kafka) {
      this.kafka = kafka;
    }

    @Override
    public void deployed(Registry.Deployment d) {
      String name = d.definition().name();
      executor.deploy(new FunctionDeployment(name, d.version(), d.codeDir(), d.definition().limits()));
      List<String> resultTopics = d.definition().topics().stream().map(d.definition()::resultTopicFor).distinct().toList();
      List<String> topics = new ArrayList<>(d.definition().topics());
      topics.addAll(resultTopics);
      d.definition().topics().stream().map(d.definition().delivery()::deadLetterTopicFor).distinct().forEach(topics::add);
      ControlTopics.ensureTopics(admin, topics); // an external cluster may not auto-create them
      Future<String> replaced = stopBinding(name);
      bindings.put(name, replaced.transform(v -> vertx.deployVerticle(new BindingVerticle(d.definition(), d.version(), executor, kafka, clock))));
    }

    @Override
    public void undeployed(String function) {
      stopBinding(function).onComplete(v -> executor.undeploy(function));
      bindings.remove(function);
    }
  }

  /** Completes when the function's current binding, if any, has stopped. */
  private Future<String> stopBinding(String function) {
    Future<String> current = bindings.get(function);
    if (current == null) {
      return Future.succeededFuture();
    }
    return current.transform(ar -> ar.succeeded() ? vertx.undeploy(ar.result()).map((String) null) : Future.succeededFuture());
  }

  /** Idempotent; blocks until every binding has drained or its deadline passed. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (registry != null) {
      registry.close(); // after this, nobody else touches bindings
    }
    try {
      List<Future<String>> stops = bindings.keySet().stream().map(this::stopBinding).toList();
      Future.join(stops).toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("bindings did not all stop cleanly: {}", e.toString());
    }
    sender.shutdown();
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(5));
    executor.close();
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("vert.x did not close cleanly: {}", e.toString());
    }
  }
}
