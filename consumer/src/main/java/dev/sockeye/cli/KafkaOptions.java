package dev.sockeye.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where Kafka is. Without {@code --bootstrap-servers}, commands use the embedded broker that
 * {@code sockeye run} started on the same data directory; it leaves its address in a file there.
 */
final class KafkaOptions {
  static final String ADDRESS_FILE = "bootstrap.servers";

  @Option(names = "--bootstrap-servers", description = "Kafka cluster to use (default: the embedded broker of --data-dir)")
  String bootstrapServers;

  @Option(names = "--data-dir", defaultValue = "sockeye-data", description = "Sockeye's data directory (default: ${DEFAULT-VALUE})")
  Path dataDir;

  /** The cluster to talk to; fails with a message that says how to get one. */
  String resolve() {
    if (bootstrapServers != null) {
      return bootstrapServers;
    }
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
