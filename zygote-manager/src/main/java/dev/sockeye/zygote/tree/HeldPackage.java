package dev.sockeye.zygote.tree;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An installed package as the zygote tree needs it; the executor maps its package store's entries to these.
 *
 * @param key {@code name==version}: equal keys mean the same installed files, so pins match exactly
 * @param dir the directory that goes on {@code sys.path}, as the host sees it
 * @param modules its top-level importable modules, which a zygote holding it imports
 */
public record HeldPackage(String key, Path dir, List<String> modules) {
  public HeldPackage {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(dir, "dir");
    modules = List.copyOf(modules);
  }
}
