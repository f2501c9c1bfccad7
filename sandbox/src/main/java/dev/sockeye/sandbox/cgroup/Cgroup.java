package dev.sockeye.sandbox.cgroup;

import dev.sockeye.sandbox.sys.Sys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pooled cgroup: a directory per v1 hierarchy (memory, cpu, pids, freezer) or one v2 directory, and an
 * open cgroup.procs descriptor for each, kept for the cgroup's whole life so a fork costs no open().
 *
 * <p>Owner: the {@link CgroupPool} while it is free; the sandbox that leased it until it is released. Only the
 * owner calls the mutating methods; {@link #outOfMemory()} may be called by anyone (it only reads).
 */
public final class Cgroup {
  private static final int SIGKILL = 9;
  private static final int KILL_ROUNDS = 200;
  /**
   * A dead sandbox's cgroup keeps the page cache it brought in charged to it (1-2 MB for an instance that did
   * nothing). memory.force_empty reclaims it synchronously, 2-6 ms of CPU here (it also drains every CPU's
   * page lists), so it runs only above this: below, the next sandbox starts with at most this much clean,
   * reclaimable cache charged, which the kernel reclaims before it would OOM-kill anything.
   */
  static final long RECLAIM_ABOVE_BYTES = 4L << 20;

  private final CgroupLayout layout;
  private final List<Path> dirs;
  private final List<Integer> procsFds = new ArrayList<>();
  private volatile long oomBaseline;

  private Cgroup(CgroupLayout layout, List<Path> dirs) {
    this.layout = layout;
    this.dirs = List.copyOf(dirs);
  }

  /** Creates the directories and opens their cgroup.procs; on a partial failure removes what it made. */
  static Cgroup create(CgroupLayout layout, String relative) {
    List<Path> dirs = layout.directories(relative);
    Cgroup cgroup = new Cgroup(layout, dirs);
    List<Path> made = new ArrayList<>();
    try {
      for (Path dir : dirs) {
        CgroupFiles.mkdir(dir);
        made.add(dir);
        cgroup.procsFds.add(Sys.openForWriting(dir.resolve("cgroup.procs").toString()));
      }
      return cgroup;
    } catch (RuntimeException e) {
      cgroup.procsFds.forEach(Sys::closeQuietly);
      made.forEach(CgroupFiles::rmdir);
      throw e;
    }
  }

  /** A view of an existing cgroup without descriptors, for tests against fake trees. */
  static Cgroup existing(CgroupLayout layout, String relative) {
    return new Cgroup(layout, layout.directories(relative));
  }

  public List<Integer> procsFds() {
    return List.copyOf(procsFds);
  }

  public List<Path> procsPaths() {
    return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
  }

  private Path dir(String controller) {
    return layout instanceof CgroupLayout.V1 ? dirs.get(CgroupLayout.V1_CONTROLLERS.indexOf(controller)) : dirs.get(0);
  }

  /** Sets the limits; swap is limited too, so a memory hog is OOM-killed instead of swapping. */
  void apply(CgroupLimits limits) {
    if (layout instanceof CgroupLayout.V1) {
      CgroupFiles.write(dir("memory").resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
      CgroupFiles.writeIfPresent(dir("memory").resolve("memory.memsw.limit_in_bytes"), Long.toString(limits.memoryBytes()));
      CgroupFiles.write(dir("pids").resolve("pids.max"), Integer.toString(limits.pids()));
      CgroupFiles.write(dir("cpu").resolve("cpu.shares"), Integer.toString(limits.cpuShares()));
    } else {
      CgroupFiles.write(dir("memory").resolve("memory.max"), Long.toString(limits.memoryBytes()));
      CgroupFiles.writeIfPresent(dir("memory").resolve("memory.swap.max"), "0");
      CgroupFiles.write(dir("pids").resolve("pids.max"), Integer.toString(limits.pids()));
      CgroupFiles.write(dir("cpu").resolve("cpu.weight"), Long.toString(limits.cpuWeight()));
    }
    oomBaseline = oomKills();
    try { // v1 keeps the peak of the cgroup's previous user; writing 0 starts it again (v2 has no such reset)
      CgroupFiles.writeIfPresent(dir("memory").resolve("memory.max_usage_in_bytes"), "0");
    } catch (RuntimeException ignored) {
      // the peak then includes the cgroup's previous user; it is reported, never enforced
    }
  }

  /** Back to no limits, before the cgroup waits in the pool; memory+swap first, since it must stay >= memory. */
  void reset() {
    if (layout instanceof CgroupLayout.V1) {
      CgroupFiles.writeIfPresent(dir("memory").resolve("memory.memsw.limit_in_bytes"), "-1");
      CgroupFiles.write(dir("memory").resolve("memory.limit_in_bytes"), "-1");
      CgroupFiles.write(dir("pids").resolve("pids.max"), "max");
      CgroupFiles.write(dir("cpu").resolve("cpu.shares"), "1024");
      if (memoryBytes() > RECLAIM_ABOVE_BYTES) {
        try {
          CgroupFiles.writeIfPresent(dir("memory").resolve("memory.force_empty"), "0");
        } catch (RuntimeException ignored) {
          // Reclaiming leftover page cache is an optimisation; charges left behind are reclaimable.
        }
      }
    } else {
      CgroupFiles.write(dir("memory").resolve("memory.max"), "max");
      CgroupFiles.write(dir("pids").resolve("pids.max"), "max");
      CgroupFiles.write(dir("cpu").resolve("cpu.weight"), "100");
    }
  }

  /** OOM kills counted by the kernel over the cgroup's life (v1 memory.oom_control, v2 memory.events). */
  long oomKills() {
    return layout instanceof CgroupLayout.V1
        ? CgroupFiles.field(dir("memory").resolve("memory.oom_control"), "oom_kill")
        : CgroupFiles.field(dir("memory").resolve("memory.events"), "oom_kill");
  }

  /** True once the OOM killer has killed a process here since the limits were last applied. */
  public boolean outOfMemory() {
    return oomKills() > oomBaseline;
  }

  /**
   * Stops every process in the cgroup (v1 freezer.state, v2 cgroup.freeze) without waiting for the kernel to
   * finish: the next event thaws it anyway, and polling FREEZING is the busy-wait OpenLambda's users hit.
   */
  public void freeze() {
    if (layout instanceof CgroupLayout.V1) {
      CgroupFiles.write(dir("freezer").resolve("freezer.state"), "FROZEN");
    } else {
      CgroupFiles.write(dirs.get(0).resolve("cgroup.freeze"), "1");
    }
  }

  public void thaw() {
    if (layout instanceof CgroupLayout.V1) {
      CgroupFiles.write(dir("freezer").resolve("freezer.state"), "THAWED");
    } else {
      CgroupFiles.write(dirs.get(0).resolve("cgroup.freeze"), "0");
    }
  }

  /** Memory charged to the cgroup now, as the kernel counts it (not the limit). */
  public long memoryBytes() {
    Path file = layout instanceof CgroupLayout.V1 ? dir("memory").resolve("memory.usage_in_bytes")
        : dirs.get(0).resolve("memory.current");
    try {
      return Long.parseLong(java.nio.file.Files.readString(file).trim());
    } catch (java.io.IOException | NumberFormatException e) {
      return 0; // released meanwhile
    }
  }

  /** The most memory charged to the cgroup since its limits were applied (v1 memory.max_usage_in_bytes, v2
   * memory.peak where the kernel has it, else the current usage); 0 when unknown. */
  public long peakMemoryBytes() {
    Path file = layout instanceof CgroupLayout.V1 ? dir("memory").resolve("memory.max_usage_in_bytes")
        : dirs.get(0).resolve("memory.peak");
    try {
      return Long.parseLong(java.nio.file.Files.readString(file).trim());
    } catch (java.io.IOException | NumberFormatException e) {
      return memoryBytes();
    }
  }

  /** The processes in the cgroup now (v1: the pids hierarchy, which every member joins). */
  public List<Integer> pids() {
    return CgroupFiles.pids(dir("pids").resolve("cgroup.procs"));
  }

  /**
   * SIGKILLs every process; v2 uses cgroup.kill. A process that was forking when it got its SIGKILL may still
   * add a child after the read, so the file is read again until it lists no pid this call has not killed yet.
   * A pid it already killed is dying: re-reading until it is gone (this used to spin up to 200 reads of
   * cgroup.procs per teardown on the closing thread, a quarter of the JVM's CPU in {@code bench sandbox}) is
   * left to {@link CgroupPool}'s recycling, which waits off this thread and calls this again for anything
   * that shows up late, before the cgroup is reused.
   */
  void killAll() {
    killAll(new HashSet<>());
  }

  /**
   * As {@link #killAll()}, but a pid in {@code killed} is taken as already killed (dying) and is not signalled
   * again; the pids this call kills are added to it. For a caller that waits for the cgroup to empty and kills
   * only what shows up late.
   */
  void killAll(Set<Integer> killed) {
    try {
      thaw(); // a frozen process does not die of SIGKILL until it is thawed
    } catch (RuntimeException ignored) {
      // no freezer state to undo
    }
    Path kill = dirs.get(0).resolve("cgroup.kill");
    if (layout instanceof CgroupLayout.V2 && java.nio.file.Files.exists(kill)) {
      CgroupFiles.write(kill, "1");
      return;
    }
    for (int round = 0; round < KILL_ROUNDS; round++) {
      List<Integer> fresh = pids().stream().filter(killed::add).toList();
      if (fresh.isEmpty()) {
        return;
      }
      fresh.forEach(pid -> Sys.C.kill(pid, SIGKILL)); // ESRCH just means it already died
    }
  }

  /** Closes the descriptors and removes the directories; the cgroup must be empty. Idempotent. */
  void destroy() {
    procsFds.forEach(Sys::closeQuietly);
    procsFds.clear();
    RuntimeException first = null;
    for (Path dir : dirs) {
      try {
        CgroupFiles.rmdir(dir);
      } catch (RuntimeException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }

  @Override
  public String toString() {
    return "cgroup " + dirs.get(0);
  }
}
