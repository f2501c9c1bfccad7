package dev.sockeye.service;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the service reaches Kafka, where it keeps its files, how it isolates handlers and how it caches
 * packages, zygotes and instances.
 *
 * @param bootstrapServers the Kafka cluster
 * @param dataDir function code, the package store, zygote sockets and runtime files live under it
 * @param python the interpreter handlers run on (a path inside the sandbox base)
 * @param isolation sandboxed (the default) or not
 * @param caching the package store's sources, the zygote tree and the handler cache
 */
public record ServiceSettings(String bootstrapServers, Path dataDir, Path python, Isolation isolation, Caching caching) {
  public ServiceSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap_servers must not be empty");
    }
    Objects.requireNonNull(dataDir, "data_dir");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(caching, "caching");
  }

  /** Sandboxed on the host base, default caching: the production default. */
  public ServiceSettings(String bootstrapServers, Path dataDir, Path python) {
    this(bootstrapServers, dataDir, python, Isolation.sandboxed(), Caching.defaults(python));
  }

  public ServiceSettings withCaching(Caching c) {
    return new ServiceSettings(bootstrapServers, dataDir, python, isolation, c);
  }

  public ServiceSettings withIsolation(Isolation i) {
    return new ServiceSettings(bootstrapServers, dataDir, python, i, caching);
  }
}
