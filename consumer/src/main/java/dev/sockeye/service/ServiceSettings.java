package dev.sockeye.service;

import dev.sockeye.executor.packages.PipSettings;
import dev.sockeye.executor.zygotes.TreeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the service reaches Kafka, where it keeps its files, and how it installs packages and keeps
 * zygotes and instances.
 *
 * @param bootstrapServers the Kafka cluster
 * @param dataDir function code, the package store, zygote sockets and runtime files live under it
 * @param python the interpreter handlers run on
 * @param pip where packages come from
 * @param tree how the zygote tree grows and its memory budget
 * @param idleTimeout how long an idle instance is kept before its function scales down
 * @param zygoteTreeFile an initial zygote tree (YAML or JSON), or null
 */
public record ServiceSettings(String bootstrapServers, Path dataDir, Path python, PipSettings pip, TreeSettings tree,
    Duration idleTimeout, Path zygoteTreeFile) {
  public ServiceSettings {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("bootstrap_servers must not be empty");
    }
    Objects.requireNonNull(dataDir, "data_dir");
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(pip, "pip");
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(idleTimeout, "idle_timeout");
  }

  /** pip's own configured index, the default tree, five minutes to scale down, no initial tree. */
  public ServiceSettings(String bootstrapServers, Path dataDir, Path python) {
    this(bootstrapServers, dataDir, python, PipSettings.defaults(python), TreeSettings.defaults(), Duration.ofMinutes(5), null);
  }
}
