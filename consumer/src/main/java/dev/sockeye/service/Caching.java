package dev.sockeye.service;

import dev.sockeye.executor.HandlerCacheSettings;
import dev.sockeye.executor.packages.PipSettings;
import dev.sockeye.executor.ImportCacheSettings;
import java.nio.file.Path;
import java.util.Objects;

/**
 * SOCK's three caches as the service runs them.
 *
 * @param pip where packages come from
 * @param tree how the zygote tree grows and its memory budget
 * @param handlerCache when idle instances are frozen and closed
 * @param zygoteTreeFile an initial zygote tree (YAML or JSON), or null
 */
public record Caching(PipSettings pip, ImportCacheSettings tree, HandlerCacheSettings handlerCache, Path zygoteTreeFile) {
  public Caching {
    Objects.requireNonNull(pip, "pip");
    Objects.requireNonNull(tree, "tree");
    Objects.requireNonNull(handlerCache, "handler_cache");
  }

  /** pip's own configured index, the default tree and handler cache, no initial tree. */
  public static Caching defaults(Path python) {
    return new Caching(PipSettings.defaults(python), ImportCacheSettings.defaults(), HandlerCacheSettings.defaults(), null);
  }
}
