package dev.sockeye.sandbox.cgroup;

/**
 * What a sandbox's cgroup enforces.
 *
 * @param memoryMb memory (and memory+swap) limit
 * @param pids most processes and threads alive at once
 * @param cpuShares relative CPU weight, v1 cpu.shares semantics (1024 = default)
 */
public record CgroupLimits(int memoryMb, int pids, int cpuShares) {
  public CgroupLimits {
    if (memoryMb < 1 || pids < 1 || cpuShares < 2 || cpuShares > 262_144) {
      throw new IllegalArgumentException("cgroup limits out of range: memory_mb=" + memoryMb + ", pids=" + pids
          + ", cpu_shares=" + cpuShares + " (need memory_mb >= 1, pids >= 1, 2 <= cpu_shares <= 262144)");
    }
  }

  long memoryBytes() {
    return (long) memoryMb * 1024 * 1024;
  }

  /** cgroup v2's cpu.weight (1..10000) for a v1 share count, the conversion runc and systemd use. */
  long cpuWeight() {
    return 1 + ((long) (cpuShares - 2) * 9999) / 262_142;
  }
}
