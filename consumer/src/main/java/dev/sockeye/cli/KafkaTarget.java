package dev.sockeye.cli;

import dev.sockeye.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The cluster {@code run} and {@code demo} use: the user's, or an embedded broker they own and close. */
public final class KafkaTarget implements AutoCloseable {
  private final EmbeddedKafka embedded; // null for an external cluster
  private final String bootstrap;
  private final Path addressFile;

  private KafkaTarget(EmbeddedKafka embedded, String bootstrap, Path addressFile) {
    this.embedded = embedded;
    this.bootstrap = bootstrap;
    this.addressFile = addressFile;
  }

  public static KafkaTarget open(String bootstrapServers, Path dataDir, int port) {
    if (bootstrapServers != null) {
      System.out.println("Kafka: " + bootstrapServers);
      return new KafkaTarget(null, bootstrapServers, null);
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
    return new KafkaTarget(kafka, kafka.bootstrapServers(), file);
  }

  public String bootstrap() {
    return bootstrap;
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
