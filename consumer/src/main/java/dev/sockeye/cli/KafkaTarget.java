package dev.sockeye.cli;

import dev.sockeye.kafka.EmbeddedKafka;
import dev.sockeye.kafka.KafkaCheck;
import dev.sockeye.kafka.KafkaConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The cluster {@code run} and {@code demo} use: the user's, or an embedded broker they own and close. */
public final class KafkaTarget implements AutoCloseable {
  private final EmbeddedKafka embedded; // null for an external cluster
  private final KafkaConnection connection;
  private final Path addressFile;

  private KafkaTarget(EmbeddedKafka embedded, KafkaConnection connection, Path addressFile) {
    this.embedded = embedded;
    this.connection = connection;
    this.addressFile = addressFile;
  }

  /** The user's cluster, checked to answer within the Kafka timeout, or a new embedded broker. */
  static KafkaTarget open(String bootstrapServers, KafkaClientOptions client, Path dataDir, int port) {
    if (bootstrapServers != null) {
      KafkaConnection kafka = client.connection(bootstrapServers);
      String props = kafka.describeProperties();
      System.out.println("Kafka: " + kafka.bootstrap() + (props.isEmpty() ? "" : " (client properties: " + props + ")"));
      KafkaCheck.reach(kafka);
      return new KafkaTarget(null, kafka, null);
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port);
    Path file = dataDir.resolve(KafkaOptions.ADDRESS_FILE);
    try {
      Files.writeString(file, kafka.bootstrapServers());
    } catch (IOException e) {
      kafka.close();
      throw new UncheckedIOException("write " + file, e);
    }
    System.out.println("Kafka: " + kafka.bootstrapServers() + " (embedded KRaft broker, log in " + kafka.logDir() + ")");
    return new KafkaTarget(kafka, client.embedded(kafka.bootstrapServers()), file);
  }

  /** An embedded broker with the default client options (for benches). */
  public static KafkaTarget open(String bootstrapServers, Path dataDir, int port) {
    KafkaClientOptions defaults = new KafkaClientOptions();
    defaults.kafkaTimeoutMs = KafkaConnection.DEFAULT_TIMEOUT.toMillis();
    return open(bootstrapServers, defaults, dataDir, port);
  }

  public KafkaConnection connection() {
    return connection;
  }

  public String bootstrap() {
    return connection.bootstrap();
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
      try {
        Files.deleteIfExists(addressFile);
      } catch (IOException e) {
        // a stale address file only misleads until the next run rewrites it
      }
    }
  }
}
