package dev.sockeye.tests;

import dev.sockeye.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * One real Kafka 4.x broker for the whole test run: the embedded KRaft broker by default, or a
 * Testcontainers broker when {@code SOCKEYE_TEST_KAFKA=testcontainers} and a Docker engine answers.
 * Tests isolate themselves by topic and function names. Closed when the run ends.
 */
public final class SharedKafka implements BeforeAllCallback {
  private static final Logger log = LoggerFactory.getLogger(SharedKafka.class);
  private static volatile String bootstrap;
  private static volatile Path logDir; // null for a Testcontainers broker

  /** The embedded broker's log directory (handlers must not see it); null when the broker runs elsewhere. */
  public static Path logDir() {
    return logDir;
  }

  /** The shared broker as a client connection (plaintext, default timeout). */
  public static dev.sockeye.kafka.KafkaConnection connection() {
    return dev.sockeye.kafka.KafkaConnection.of(bootstrap());
  }

  public static String bootstrap() {
    if (bootstrap == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
    }
    return bootstrap;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    ExtensionContext.Store store = context.getRoot().getStore(Namespace.GLOBAL);
    Broker broker = store.getOrComputeIfAbsent(Broker.class, k -> Broker.start(), Broker.class);
    bootstrap = broker.bootstrap;
  }

  /** The broker, closed by JUnit when the root context closes. */
  private static final class Broker implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private final AutoCloseable owner;
    private final String bootstrap;

    private Broker(AutoCloseable owner, String bootstrap) {
      this.owner = owner;
      this.bootstrap = bootstrap;
    }

    static Broker start() {
      if ("testcontainers".equals(System.getenv("SOCKEYE_TEST_KAFKA"))) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
          KafkaContainer c = new KafkaContainer("apache/kafka:4.1.1");
          c.start();
          return new Broker(c::stop, c.getBootstrapServers());
        }
        log.warn("SOCKEYE_TEST_KAFKA=testcontainers but no Docker engine answers; using the embedded broker");
      }
      try {
        Path dir = Files.createTempDirectory("sockeye-test-kafka-");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
        logDir = dir.resolve("kafka");
        return new Broker(kafka, kafka.bootstrapServers());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws Exception {
      owner.close();
    }
  }
}
