package dev.sockeye.service;

import dev.sockeye.executor.packages.PipSettings;
import dev.sockeye.executor.zygotes.TreeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * SOCK's three caches as the service runs them.
 *
 * @param pip where packages come from
 * @param tree how the zygote tree grows and its memory budget
 * @param idleTimeout how long an idle instance is kept before its function scales down
 * @param zygoteTreeFile an initial zygote tree (YAML or JSON), or null
 */
public record Caching(PipSettings pip, TreeSettings tree, Duration idleTimeout, Path zygoteTreeFile) {
  public Caching {
    Objects.requireNonNull(pip, "pip");
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(idleTimeout, "idle_timeout");
  }

  /** pip's own configured index, the default tree, five minutes to scale down, no initial tree. */
  public static Caching defaults(Path python) {
    return new Caching(PipSettings.defaults(python), TreeSettings.defaults(), Duration.ofMinutes(5), null);
  }
}
