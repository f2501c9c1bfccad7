package dev.sockeye.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A sandbox built for one instance or zygote ({@link Sandbox}), as the zygote manager needs it: open descriptors
 * to hand to the zygote's child (SCM_RIGHTS), the paths a zygote enters, and the uid the handler runs as. The
 * zygote manager never builds or inspects a sandbox; it only passes descriptors along and closes the handle
 * when the instance (or zygote) it belongs to is closed.
 *
 * <p>Implementations are thread-safe: {@link #close()} may race with {@link #outOfMemory()}.
 */
public interface SandboxHandle extends AutoCloseable {
  /** Where the sandbox's root is mounted, seen from the JVM; the instance socket is {@code hostRoot/host/sock}. */
  Path hostRoot();

  /** An open {@code O_DIRECTORY} descriptor of {@link #hostRoot()}; the child does fchdir + chroot("."). */
  int rootFd();

  /** Open, writable {@code cgroup.procs} descriptors: one per v1 hierarchy, or one on cgroup v2. */
  List<Integer> cgroupProcsFds();

  /** The same files by path, for a zygote that enters its sandbox at start. */
  List<Path> cgroupProcsPaths();

  /** A network namespace descriptor the child joins (an empty one, or the host's); never -1 for instances. */
  int netnsFd();

  /** The unprivileged uid and gid the handler runs as; no two live sandboxes share one. */
  int uid();

  /** How long building the sandbox took (mounts, cgroup, namespace). */
  Duration setupTime();

  /** Stops every process in the sandbox (cgroup freezer); blocking, quick. */
  default void freeze() {}

  /** Lets a frozen sandbox run again. */
  default void thaw() {}

  /** Memory charged to the sandbox's cgroup now (usage, not the limit); 0 when unknown. */
  default long memoryBytes() {
    return 0;
  }

  /** The most memory the sandbox's cgroup has held since it was set up (its peak); 0 when unknown. */
  default long peakMemoryBytes() {
    return 0;
  }

  /** True once the kernel's OOM killer has killed a process in this sandbox's memory cgroup. */
  boolean outOfMemory();

  /** Kills everything left in the sandbox, unmounts it and recycles its cgroup. Idempotent. */
  @Override
  void close();
}
