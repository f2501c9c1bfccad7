package dev.sockeye.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How the service reaches Kafka, where it keeps its files and how it isolates handlers.
 *
 * @param bootstrapServers the Kafka cluster
 * @param dataDir function code, zygote sockets and runtime files live under it
 * @param python the interpreter handlers run on (a path inside the sandbox base)
 * @param unsafeNoSandbox run handlers without any isolation (development only; every result says so)
 * @param base the sandbox root filesystem: "/" (the host, read-only, sensitive paths hidden) or an image dir
 * @param hidden more host paths to hide from handlers (the data directory is always hidden)
 */
public record ServiceSettings(String bootstrapServers, Path dataDir, Path python, boolean unsafeNoSandbox, Path base,
    List<Path> hidden) {
  public ServiceSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap_servers must not be empty");
    }
    Objects.requireNonNull(dataDir, "data_dir");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(base, "base");
    hidden = List.copyOf(hidden);
  }

  /** Sandboxed on the host base: the production default. */
  public ServiceSettings(String bootstrapServers, Path dataDir, Path python) {
    this(bootstrapServers, dataDir, python, false, Path.of("/"), List.of());
  }
}
