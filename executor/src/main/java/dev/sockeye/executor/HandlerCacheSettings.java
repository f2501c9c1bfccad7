package dev.sockeye.executor;

import java.time.Duration;

/**
 * SOCK's handler cache: how long an idle instance stays running, then frozen, then gone.
 *
 * @param freezeAfter idle time after which an instance is frozen with the cgroup freezer (sandboxed only)
 * @param idleTimeout idle time after which an instance is closed: its function scales toward zero
 * @param frozenMemoryBudgetBytes over this much memory held by frozen instances (measured from their
 *     cgroups, not their limits), the least recently used are closed first
 */
public record HandlerCacheSettings(Duration freezeAfter, Duration idleTimeout, long frozenMemoryBudgetBytes) {
  public HandlerCacheSettings {
    if (freezeAfter.isNegative() || freezeAfter.isZero()) {
      throw new IllegalArgumentException("freeze_after must be > 0 (got " + freezeAfter + ")");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle_timeout must be > 0 (got " + idleTimeout + ")");
    }
    if (frozenMemoryBudgetBytes < 0) {
      throw new IllegalArgumentException("frozen_memory_budget must be >= 0 (got " + frozenMemoryBudgetBytes + ")");
    }
  }

  /**
   * Close after 5 min idle; freeze after 1 s idle, so that an idle instance stops costing CPU and its memory
   * becomes evictable long before it is closed; 1 GiB of frozen instances.
   */
  public static HandlerCacheSettings defaults() {
    return new HandlerCacheSettings(Duration.ofSeconds(1), Duration.ofMinutes(5), 1L << 30);
  }
}
