package dev.sockeye.sandbox;

import dev.sockeye.sandbox.cgroup.Cgroup;
import dev.sockeye.sandbox.cgroup.CgroupPool;
import dev.sockeye.sandbox.rootfs.SandboxRoot;
import dev.sockeye.sandbox.sys.Sys;
import dev.sockeye.sandbox.SandboxHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One built sandbox: its root (mounted), its leased cgroup, its network namespace and an open descriptor of the
 * root. Made by {@link Sandboxes#create}; owned by whoever holds it (an instance or a zygote), which closes it.
 *
 * <p>Immutable apart from the closed flag; {@link #close()} and {@link #outOfMemory()} may be called from any
 * thread. Teardown follows SOCK: kill every process in the cgroup, lazily unmount, then recycle the cgroup.
 */
public final class Sandbox implements SandboxHandle {
  private final long id;
  private final SandboxRoot root;
  private final Cgroup cgroup;
  private final CgroupPool cgroups;
  private final Parts parts;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** The descriptors and facts that complete a sandbox. {@code ownsNetns}: close the namespace with the sandbox. */
  record Parts(int rootFd, int netnsFd, boolean ownsNetns, int uid, Duration setupTime) {}

  Sandbox(long id, SandboxRoot root, Cgroup cgroup, CgroupPool cgroups, Parts parts) {
    this.id = id;
    this.root = root;
    this.cgroup = cgroup;
    this.cgroups = cgroups;
    this.parts = parts;
  }

  public long id() {
    return id;
  }

  @Override
  public Path hostRoot() {
    return root.path();
  }

  @Override
  public int rootFd() {
    return parts.rootFd();
  }

  @Override
  public List<Integer> cgroupProcsFds() {
    return cgroup.procsFds();
  }

  @Override
  public List<Path> cgroupProcsPaths() {
    return cgroup.procsPaths();
  }

  @Override
  public int netnsFd() {
    return parts.netnsFd();
  }

  @Override
  public int uid() {
    return parts.uid();
  }

  @Override
  public Duration setupTime() {
    return parts.setupTime();
  }

  @Override
  public void freeze() {
    cgroup.freeze();
  }

  @Override
  public void thaw() {
    cgroup.thaw();
  }

  @Override
  public long memoryBytes() {
    return cgroup.memoryBytes();
  }

  @Override
  public long peakMemoryBytes() {
    return cgroup.peakMemoryBytes();
  }

  @Override
  public boolean outOfMemory() {
    return cgroup.outOfMemory();
  }

  /** The processes in the sandbox's cgroup now. */
  public List<Integer> pids() {
    return cgroup.pids();
  }

  /** Kills everything inside, unmounts the root, recycles the cgroup, closes the descriptors. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      cgroups.release(cgroup); // SIGKILLs every process now; waiting for them and the reset run in the background
      root.close();
    } finally {
      Sys.closeQuietly(parts.rootFd());
      if (parts.ownsNetns()) {
        Sys.closeQuietly(parts.netnsFd());
      }
    }
  }

  @Override
  public String toString() {
    return "sandbox " + id + " at " + root.path() + " (uid " + parts.uid() + ")";
  }
}
