package dev.sockeye.executor;

import dev.sockeye.sandbox.Network;
import java.util.Objects;

/**
 * Per-function limits the executor enforces.
 *
 * @param timeoutMs wall-clock time one event may take before its instance is killed
 * @param memoryMb memory limit of one instance; passing it kills the instance with an OOM outcome
 * @param concurrency most instances of this function alive at once
 * @param pids most processes and threads in one instance's sandbox (a fork bomb stays inside)
 * @param cpuShares relative CPU weight of one instance (cgroup v1 cpu.shares; 1024 is the default)
 * @param scratchMb size of the instance's scratch (/host) and of its /tmp, each a tmpfs
 * @param network none (an empty network namespace with loopback) or host
 */
public record FunctionLimits(int timeoutMs, int memoryMb, int concurrency, int pids, int cpuShares, int scratchMb,
    Network network) {
  public static final int DEFAULT_PIDS = 64;
  public static final int DEFAULT_CPU_SHARES = 1024;
  public static final int DEFAULT_SCRATCH_MB = 64;

  public FunctionLimits {
    require(timeoutMs >= 1, "timeout_ms must be >= 1 (got " + timeoutMs + ")");
    require(memoryMb >= 16, "memory_mb must be >= 16 (got " + memoryMb + ")");
    require(concurrency >= 1, "concurrency must be >= 1 (got " + concurrency + ")");
    require(pids >= 4, "pids must be >= 4 (got " + pids + ")");
    require(cpuShares >= 2 && cpuShares <= 262_144, "cpu_shares must be between 2 and 262144 (got " + cpuShares + ")");
    require(scratchMb >= 1, "scratch_mb must be >= 1 (got " + scratchMb + ")");
    Objects.requireNonNull(network, "network");
  }

  /** Default pids, cpu_shares, scratch_mb and network (none). */
  public FunctionLimits(int timeoutMs, int memoryMb, int concurrency) {
    this(timeoutMs, memoryMb, concurrency, DEFAULT_PIDS, DEFAULT_CPU_SHARES, DEFAULT_SCRATCH_MB, Network.NONE);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
