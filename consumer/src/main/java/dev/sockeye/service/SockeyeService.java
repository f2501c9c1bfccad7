package dev.sockeye.service;

import dev.sockeye.binding.BindingVerticle;
import dev.sockeye.binding.KafkaAccess;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.control.Registry;
import dev.sockeye.executor.Executor;
import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.executor.packages.PackageInstallException;
import dev.sockeye.function.FunctionYaml;
import dev.sockeye.format.InputDecoder;
import dev.sockeye.format.InputYaml;
import dev.sockeye.function.InvalidFunctionException;
import dev.sockeye.function.Requirements;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.metrics.MetricsServer;
import dev.sockeye.metrics.Monitoring;
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
import java.util.Set;
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
  /** How often the service publishes its status; {@code sockeye status} omits reports much older than this. */
  public static final int STATUS_INTERVAL_S = 5;

  private final Vertx vertx;
  private final Executor executor;
  private final Admin admin;
  private final KafkaProducer<byte[], byte[]> producer;
  private final dev.sockeye.logs.LogPublisher logs; // handler output to sockeye.logs
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> new Thread(r, "sockeye-send"));
  private final Registry registry;
  private final Clock clock;
  private final Map<String, Future<String>> bindings = new HashMap<>(); // owned by the registry thread
  private final Map<String, String> deployErrors = new java.util.concurrent.ConcurrentHashMap<>();
  private final Set<String> functions = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final String serviceId = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
  private final java.util.concurrent.ScheduledExecutorService status =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sockeye-status"));
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Monitoring monitoring = new Monitoring();
  private final Readiness readiness;
  private MetricsServer metricsServer; // null: --metrics-port 0

  private SockeyeService(ServiceSettings settings, Clock clock) throws Exception {
    this.clock = clock;
    this.readiness = new Readiness(settings.bootstrapServers());
    Path work = Files.createDirectories(settings.dataDir().resolve("run"));
    // Names the address and the reason (unreachable, authentication failed) within the Kafka timeout.
    dev.sockeye.kafka.KafkaCheck.reach(settings.kafka());
    this.admin = Admin.create(KafkaClients.adminConfig(settings.kafka()));
    try {
      ControlTopics.ensure(admin); // fails fast, before anything else exists, when Kafka is unreachable
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
    this.executor = startExecutor(settings, work, clock); // fails fast naming what the host lacks for sandboxes
    this.vertx = Vertx.vertx();
    this.producer = new KafkaProducer<>(resultsProducerConfig(settings.kafka()));
    this.logs = new dev.sockeye.logs.LogPublisher(settings.kafka());
    executor.handlerOutput(logs);
    KafkaAccess kafka = new KafkaAccess(settings.kafka(), producer, sender, instanceId(settings.dataDir()));
    status.scheduleWithFixedDelay(this::publishStatus, 0, STATUS_INTERVAL_S, TimeUnit.SECONDS);
    monitoring.watch(executor, settings.caching().tree().memoryBudgetBytes());
    monitoring.watch(producer);
    status.scheduleWithFixedDelay(() -> readiness.probe(admin), 0, 2, TimeUnit.SECONDS);
    this.registry = new Registry(settings.kafka(), settings.dataDir().resolve("functions"), new Listener(kafka));
  }

  /**
   * The shared producer of results, dead letters and metrics. Under load thousands of small results
   * a second go to a few partitions: larger batches mean fewer produce requests for the broker to
   * handle, which on a small host is where the CPU goes.
   */
  private static Map<String, Object> resultsProducerConfig(dev.sockeye.kafka.KafkaConnection kafka) {
    Map<String, Object> c = KafkaClients.producerConfig(kafka, "sockeye-results");
    c.put(org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    // A result's timestamp is taken when it is handed to the producer and its lane is free by then,
    // so lingering a little longer costs only the offset commit's lag, and saves produce requests.
    c.put(org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 5);
    return c;
  }

  private Executor startExecutor(ServiceSettings settings, Path work, Clock clock) {
    try {
      return ServiceExecutor.start(settings, work, clock);
    } catch (RuntimeException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
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

  /** Starts the service without a metrics endpoint; see {@link #start(ServiceSettings, MetricsSettings, Clock)}. */
  public static SockeyeService start(ServiceSettings settings, Clock clock) {
    return start(settings, MetricsSettings.OFF, clock);
  }

  /**
   * Starts the service and waits until every deployment known to the cluster is running. With {@code
   * metrics} enabled, {@code /metrics}, {@code /healthz} and {@code /readyz} are served from the start
   * (not ready until then).
   */
  public static SockeyeService start(ServiceSettings settings, MetricsSettings metrics, Clock clock) {
    SockeyeService s = null;
    try {
      s = new SockeyeService(settings, clock);
      if (metrics.enabled()) { // before the deployments are read: /healthz answers, /readyz says why not yet
        s.metricsServer = MetricsServer.start(s.vertx, metrics.host(), metrics.port(), s.monitoring::scrape, s.readiness::notReady)
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      if (settings.caching().zygoteTreeFile() != null) {
        for (ZygoteTreeFile.Seed seed : ZygoteTreeFile.read(settings.caching().zygoteTreeFile())) {
          s.executor.seedZygote(seed.tenant(), seed.requirements()); // installs now, builds in the background
        }
      }
      s.registry.start();
      if (!s.registry.awaitCaughtUp(Duration.ofSeconds(60))) {
        throw new IllegalStateException("could not read " + ControlTopics.FUNCTIONS + " from " + settings.kafka().describe() + " within 60 s");
      }
      s.readiness.started();
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

  /** The service's meters (also for in-process readers such as benches). */
  public Monitoring monitoring() {
    return monitoring;
  }

  /** The port /metrics is served on; 0 when it is off. */
  public int metricsPort() {
    return metricsServer == null ? 0 : metricsServer.port();
  }

  /** Functions whose latest version could not be deployed, with why (pip's error, for instance). */
  public Map<String, String> deployErrors() {
    return Map.copyOf(deployErrors);
  }

  private final class Listener implements Registry.Listener {
    private final KafkaAccess kafka;

    Listener(KafkaAccess kafka) {
      this.kafka = kafka;
    }

    @Override
    public void deployed(Registry.Deployment d) {
      String name = d.definition().name();
      InputDecoder input;
      try {
        executor.limitOutput(name, 1024L * FunctionYaml.logsMaxKb(d.codeDir().resolve("function.yaml")));
        input = InputDecoder.of(InputYaml.read(d.codeDir())); // travels with the code, validated at deploy
        executor.deploy(new FunctionDeployment(name, d.version(), d.codeDir(), d.definition().limits(),
            Requirements.read(d.codeDir()), d.definition().tenant()));
        deployErrors.remove(name);
        functions.add(name);
        monitoring.functionDeployed(name);
      } catch (PackageInstallException | InvalidFunctionException e) {
        // The previous version, if any, keeps running: a bad requirements.txt must not take a function down.
        log.error("deploy {} version {} failed: {}", name, d.version().substring(0, 12), e.getMessage());
        deployErrors.put(name, e.getMessage());
        return;
      }
      List<String> resultTopics = d.definition().topics().stream().map(d.definition()::resultTopicFor).distinct().toList();
      List<String> topics = new ArrayList<>(d.definition().topics());
      topics.addAll(resultTopics);
      d.definition().topics().stream().map(d.definition().delivery()::deadLetterTopicFor).distinct().forEach(topics::add);
      ControlTopics.ensureTopics(admin, topics); // an external cluster may not auto-create them
      Future<String> replaced = stopBinding(name);
      readiness.expect(name);
      bindings.put(name, replaced.transform(v -> vertx.deployVerticle(new BindingVerticle(d.definition(), d.version(), executor, kafka, clock, input)
          .observedBy(monitoring.bindings(readiness::assigned)))));
    }

    @Override
    public void undeployed(String function) {
      functions.remove(function);
      readiness.forget(function);
      monitoring.functionUndeployed(function);
      stopBinding(function).onComplete(v -> executor.undeploy(function));
      bindings.remove(function);
    }
  }

  /** Runs on "sockeye-status": what `sockeye status` shows, keyed by this service's id. */
  private void publishStatus() {
    try {
      byte[] doc = StatusReport.build(serviceId, clock, executor, functions, deployErrors).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      sender.execute(() -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(ControlTopics.STATUS,
          serviceId.getBytes(java.nio.charset.StandardCharsets.UTF_8), doc)));
    } catch (RuntimeException e) {
      log.warn("status report failed: {}", e.toString()); // keep the schedule alive
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
    if (metricsServer != null) {
      metricsServer.close(); // Prometheus sees the service go at once
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
    status.shutdownNow();
    try {
      status.awaitTermination(5, TimeUnit.SECONDS); // a report being built must not land after the tombstone
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A tombstone deletes this service's report, so `sockeye status` stops listing it; queued after any
    // report already handed to the sender, and flushed by the producer's close.
    sender.execute(() -> producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(ControlTopics.STATUS,
        serviceId.getBytes(java.nio.charset.StandardCharsets.UTF_8), null)));
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    admin.close(Duration.ofSeconds(5));
    executor.close();
    logs.close(); // after the instances: what they wrote last is published too
    monitoring.close(); // after every binding stopped: they unbind their clients' metrics as they stop
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("vert.x did not close cleanly: {}", e.toString());
    }
  }
}
