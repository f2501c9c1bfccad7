package dev.sockeye.service;

import dev.sockeye.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the service reaches Kafka, where it keeps its files, how it isolates handlers and how it caches
 * packages, zygotes and instances.
 *
 * @param kafka the Kafka cluster and the client properties (security, timeouts) of every client the service makes
 * @param dataDir function code, the package store, zygote sockets and runtime files live under it
 * @param python the interpreter handlers run on (a path inside the sandbox base)
 * @param isolation sandboxed (the default) or not
 * @param caching the package store's sources, the zygote tree and the handler cache
 */
public record ServiceSettings(KafkaConnection kafka, Path dataDir, Path python, Isolation isolation, Caching caching) {
  public ServiceSettings {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(dataDir, "data_dir");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(caching, "caching");
  }

  /** A plaintext cluster without client properties. */
  public ServiceSettings(String bootstrapServers, Path dataDir, Path python, Isolation isolation, Caching caching) {
    this(KafkaConnection.of(bootstrapServers), dataDir, python, isolation, caching);
  }

  /** Sandboxed on the host base, default caching: the production default. */
  public ServiceSettings(String bootstrapServers, Path dataDir, Path python) {
    this(bootstrapServers, dataDir, python, Isolation.sandboxed(), Caching.defaults(python));
  }

  public String bootstrapServers() {
    return kafka.bootstrap();
  }

  public ServiceSettings withCaching(Caching c) {
    return new ServiceSettings(kafka, dataDir, python, isolation, c);
  }

  public ServiceSettings withIsolation(Isolation i) {
    return new ServiceSettings(kafka, dataDir, python, i, caching);
  }
}
