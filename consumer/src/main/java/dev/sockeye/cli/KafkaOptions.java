package dev.sockeye.cli;

import dev.sockeye.kafka.KafkaCheck;
import dev.sockeye.kafka.KafkaConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where Kafka is and how to talk to it. Without {@code --bootstrap-servers}, commands use the
 * embedded broker that {@code sockeye run} started on the same data directory; it leaves its address
 * in a file there.
 */
final class KafkaOptions {
  static final String ADDRESS_FILE = "bootstrap.servers";

  @Option(names = "--bootstrap-servers", description = "Kafka cluster to use (default: the embedded broker of --data-dir)")
  String bootstrapServers;

  @Option(names = "--data-dir", defaultValue = "sockeye-data", description = "Sockeye's data directory (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Mixin KafkaClientOptions client;

  /** The cluster, checked to answer within the Kafka timeout: fails naming its address and why otherwise. */
  KafkaConnection connect() {
    KafkaConnection kafka = bootstrapServers != null ? client.connection(bootstrapServers) : client.embedded(embeddedAddress());
    KafkaCheck.reach(kafka);
    return kafka;
  }

  /** The address of the embedded broker of --data-dir; fails with a message that says how to get one. */
  private String embeddedAddress() {
    Path file = dataDir.resolve(ADDRESS_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no --bootstrap-servers given and no embedded broker recorded in " + file
          + "; start one with `sockeye run --data-dir " + dataDir + "` or pass --bootstrap-servers");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }
}
