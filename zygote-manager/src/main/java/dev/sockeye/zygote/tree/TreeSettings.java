package dev.sockeye.zygote.tree;

/**
 * How the zygote tree grows and shrinks.
 *
 * @param growthThreshold forks of one package set from a parent lacking part of it before a child is built for it
 * @param memoryBudgetBytes the tree's memory (PSS of its zygotes) beyond which leaves are evicted
 * @param maxReplicas extra copies a hot node may get, so that one zygote does not serialise every fork
 */
public record TreeSettings(int growthThreshold, long memoryBudgetBytes, int maxReplicas) {
  public TreeSettings {
    if (growthThreshold < 1) {
      throw new IllegalArgumentException("zygote growth_threshold must be >= 1 (got " + growthThreshold + ")");
    }
    if (maxReplicas < 0) {
      throw new IllegalArgumentException("zygote max_replicas must be >= 0 (got " + maxReplicas + ")");
    }
    if (memoryBudgetBytes < 0) {
      throw new IllegalArgumentException("zygote memory_budget must be >= 0 (got " + memoryBudgetBytes + ")");
    }
  }

  public static TreeSettings defaults() {
    return new TreeSettings(3, 2L << 30, 2);
  }

  public TreeSettings(int growthThreshold, long memoryBudgetBytes) {
    this(growthThreshold, memoryBudgetBytes, 2);
  }
}
