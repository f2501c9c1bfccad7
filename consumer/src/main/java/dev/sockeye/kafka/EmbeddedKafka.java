package dev.sockeye.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node Apache Kafka 4.x broker in KRaft combined mode, in this JVM, built from the Maven
 * artifacts. Its log lives under {@code dataDir/kafka}; a restart on the same directory keeps the
 * topics and committed offsets.
 *
 * <p>Thread-safety: start and close from one thread; {@link #bootstrapServers()} from any.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final KafkaRaftServer server;
  private final String bootstrapServers;
  private final Map<String, String> addresses; // extra listener name -> host:port
  private final Path logDir;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * A listener besides the PLAINTEXT one (which stays the inter-broker listener), for example a
   * SASL_PLAINTEXT or SSL one.
   *
   * @param name the listener's name, e.g. {@code SASL}
   * @param protocol its security protocol: {@code SASL_PLAINTEXT}, {@code SASL_SSL} or {@code SSL}
   * @param config broker settings of this listener without the {@code listener.name.<name>.} prefix,
   *     e.g. {@code sasl.enabled.mechanisms} or {@code plain.sasl.jaas.config}
   */
  public record Listener(String name, String protocol, Map<String, String> config) {
    public Listener {
      config = Map.copyOf(config);
    }
  }

  private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers, Map<String, String> addresses, Path logDir) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
    this.addresses = addresses;
    this.logDir = logDir;
  }

  /** Formats {@code dataDir/kafka} if new, starts the broker on {@code port} (0: any free port) and waits until it serves. */
  public static EmbeddedKafka start(Path dataDir, int port) {
    return start(dataDir, port, List.of());
  }

  /** As {@link #start(Path, int)}, with {@code extra} listeners on free ports (see {@link #bootstrapServers(String)}). */
  public static EmbeddedKafka start(Path dataDir, int port, List<Listener> extra) {
    Path logDir = dataDir.resolve("kafka");
    int brokerPort = port == 0 ? freePort() : port;
    int controllerPort = freePort();
    Map<String, String> addresses = new LinkedHashMap<>();
    extra.forEach(l -> addresses.put(l.name(), "127.0.0.1:" + freePort()));
    try {
      Files.createDirectories(logDir);
      format(logDir);
    } catch (Exception e) {
      throw new IllegalStateException("format embedded Kafka storage in " + logDir + ": " + e.getMessage(), e);
    }
    Properties props = config(logDir, brokerPort, controllerPort);
    addListeners(props, extra, addresses);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    String bootstrap = "127.0.0.1:" + brokerPort;
    EmbeddedKafka kafka = new EmbeddedKafka(server, bootstrap, Map.copyOf(addresses), logDir);
    try {
      awaitReady(bootstrap, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
    return kafka;
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The address of the extra listener {@code name}. */
  public String bootstrapServers(String name) {
    String a = addresses.get(name);
    if (a == null) {
      throw new IllegalArgumentException("embedded Kafka has no listener " + name + " (has " + addresses.keySet() + ")");
    }
    return a;
  }

  private static void addListeners(Properties p, List<Listener> extra, Map<String, String> addresses) {
    for (Listener l : extra) {
      String address = addresses.get(l.name());
      p.put("listeners", p.get("listeners") + "," + l.name() + "://" + address);
      p.put("advertised.listeners", p.get("advertised.listeners") + "," + l.name() + "://" + address);
      p.put("listener.security.protocol.map", p.get("listener.security.protocol.map") + "," + l.name() + ":" + l.protocol());
      String prefix = "listener.name." + l.name().toLowerCase(Locale.ROOT) + ".";
      l.config().forEach((k, v) -> p.put(prefix + k, v));
    }
  }

  /** Where the broker keeps its log segments; hidden from sandboxes by a later issue. */
  public Path logDir() {
    return logDir;
  }

  private static void format(Path logDir) throws Exception {
    if (Files.exists(logDir.resolve("meta.properties"))) {
      return; // formatted before: keep its cluster id, topics and offsets
    }
    new Formatter()
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toString()))
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
  }

  private static Properties config(Path logDir, int port, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // One node: every internal topic must accept a replication factor of 1, or groups never find a coordinator.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "true");
    p.put("message.max.bytes", Integer.toString(16 * 1024 * 1024));
    return p;
  }

  private static void awaitReady(String bootstrap, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try (Admin admin = Admin.create(KafkaClients.adminConfig(KafkaConnection.of(bootstrap)))) {
      while (Instant.now().isBefore(deadline)) {
        try {
          if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          // not serving yet; ask again until the deadline
        }
      }
    }
    throw new IllegalStateException("embedded Kafka at " + bootstrap + " did not become ready within " + timeout);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("find a free port for embedded Kafka", e);
    }
  }

  /** Stops the broker and waits for it. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.shutdown();
      server.awaitShutdown();
    }
  }
}
