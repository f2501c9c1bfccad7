package dev.sockeye.executor;

import dev.sockeye.zygote.ZygoteSettings;
import dev.sockeye.zygote.tree.TreeSettings;

/**
 * SOCK's import cache, the zygote tree: how it grows and shrinks, and how many spares each zygote keeps. The
 * executor hands the first three to the zygote tree and the last to the zygote manager.
 *
 * @param growthThreshold forks of one package set from a parent lacking part of it before a child is built for it
 * @param memoryBudgetBytes the tree's memory (PSS of its zygotes) beyond which leaves are evicted
 * @param maxReplicas extra copies a hot node may get, so that one zygote does not serialise every fork
 * @param sparesPerZygote children each zygote forks ahead of demand, so a fork is one request to a spare and the
 *     zygote is off its path; 0 forks on demand
 */
public record ImportCacheSettings(int growthThreshold, long memoryBudgetBytes, int maxReplicas, int sparesPerZygote) {
  public ImportCacheSettings {
    tree(growthThreshold, memoryBudgetBytes, maxReplicas); // validates, naming the setting
    if (sparesPerZygote < 0) {
      throw new IllegalArgumentException("zygote spares_per_zygote must be >= 0 (got " + sparesPerZygote + ")");
    }
  }

  /** Growth after 3 forks, a 2 GiB budget, 2 replicas, {@link ZygoteSettings#DEFAULT_SPARES} spares per zygote. */
  public static ImportCacheSettings defaults() {
    TreeSettings d = TreeSettings.defaults();
    return new ImportCacheSettings(d.growthThreshold(), d.memoryBudgetBytes(), d.maxReplicas(), ZygoteSettings.DEFAULT_SPARES);
  }

  public ImportCacheSettings(int growthThreshold, long memoryBudgetBytes) {
    this(growthThreshold, memoryBudgetBytes, TreeSettings.defaults().maxReplicas(), ZygoteSettings.DEFAULT_SPARES);
  }

  /** What the zygote tree needs of these. */
  TreeSettings tree() {
    return tree(growthThreshold, memoryBudgetBytes, maxReplicas);
  }

  private static TreeSettings tree(int growthThreshold, long memoryBudgetBytes, int maxReplicas) {
    return new TreeSettings(growthThreshold, memoryBudgetBytes, maxReplicas);
  }
}
