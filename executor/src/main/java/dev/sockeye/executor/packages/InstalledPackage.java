package dev.sockeye.executor.packages;

import dev.sockeye.zygote.tree.HeldPackage;
import java.nio.file.Path;
import java.util.List;

/**
 * A distribution in the store.
 *
 * @param distribution what it is
 * @param dir {@code <store>/<name>/<version>}: goes on {@code sys.path}
 * @param modules its top-level importable modules, which a zygote holding it imports
 */
public record InstalledPackage(Distribution distribution, Path dir, List<String> modules) {
  public InstalledPackage {
    modules = List.copyOf(modules);
  }

  /** What the zygote tree needs of it. */
  public HeldPackage held() {
    return new HeldPackage(distribution.key(), dir, modules);
  }

  /** {@link #held()} of each. */
  public static List<HeldPackage> held(List<InstalledPackage> closure) {
    return closure.stream().map(InstalledPackage::held).toList();
  }
}
