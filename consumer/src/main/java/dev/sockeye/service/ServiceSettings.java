package dev.sockeye.service;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the service reaches Kafka and where it keeps its files.
 *
 * @param bootstrapServers the Kafka cluster
 * @param dataDir function code, zygote sockets and runtime files live under it
 * @param python the interpreter handlers run on
 */
public record ServiceSettings(String bootstrapServers, Path dataDir, Path python) {
  public ServiceSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap_servers must not be empty");
    }
    Objects.requireNonNull(dataDir, "data_dir");
    Objects.requireNonNull(python, "python");
  }
}
