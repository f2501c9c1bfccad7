package dev.sockeye.sandbox;

import dev.sockeye.sandbox.cgroup.CgroupLimits;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What one sandbox needs.
 *
 * @param code the handler's code directory, bound read-only at /handler; null for a zygote
 * @param limits memory, pids and CPU weight of its cgroup
 * @param scratchMb size of /host and of /tmp, each a tmpfs
 * @param network none (empty namespace) or host
 */
public record SandboxSpec(Path code, CgroupLimits limits, int scratchMb, Network network) {
  public SandboxSpec {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(network, "network");
    if (scratchMb < 1) {
      throw new IllegalArgumentException("scratch_mb must be >= 1 (got " + scratchMb + ")");
    }
  }

  /** A zygote's sandbox: no handler code, generous limits (its pages are shared with every child it forks). */
  public static SandboxSpec zygote() {
    return new SandboxSpec(null, new CgroupLimits(2048, 1024, 1024), 16, Network.NONE);
  }
}
