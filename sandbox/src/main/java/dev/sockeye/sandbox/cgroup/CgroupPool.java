package dev.sockeye.sandbox.cgroup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-created cgroups under one parent per service ({@code sockeye-<pid>-<n>}), handed out with fresh limits and
 * reused once their sandbox is gone: SOCK found reuse about twice as fast as creation. Creation ahead of demand
 * and recycling (wait until empty, reset limits) run on the thread "sockeye-cgroups", off the fork path.
 *
 * <p>Thread-safety: {@code free}, {@code all} and {@code closed} are guarded by {@code this}; {@link #acquire}
 * and {@link #release} may be called from any thread.
 */
public final class CgroupPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CgroupPool.class);
  private static final AtomicLong POOLS = new AtomicLong();
  private static final Duration EMPTY_WAIT = Duration.ofSeconds(5);
  private static final long MIN_PAUSE_NANOS = 100_000;
  private static final long MAX_PAUSE_NANOS = 2_000_000;
  /**
   * How often the pools of services that died are looked for again. The sweep at start misses a service that
   * is still dying then (a SIGKILLed JVM takes a moment to go), or one that dies later on the same host.
   */
  private static final Duration SWEEP_EVERY = Duration.ofSeconds(15);

  private final CgroupLayout layout;
  private final String parent;
  private final int spare;
  private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "sockeye-cgroups");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong counter = new AtomicLong();
  private final Deque<Cgroup> free = new ArrayDeque<>(); // guarded by this
  private final Set<Cgroup> all = new HashSet<>(); // guarded by this: free, leased and recycling
  private boolean closed; // guarded by this

  /** Creates the parent cgroup and starts filling the pool with {@code spare} cgroups in the background. */
  public CgroupPool(CgroupLayout layout, int spare) {
    this(layout, spare, SWEEP_EVERY);
  }

  CgroupPool(CgroupLayout layout, int spare, Duration sweepEvery) {
    this.layout = layout;
    this.spare = spare;
    this.parent = "sockeye-" + ProcessHandle.current().pid() + "-" + POOLS.incrementAndGet();
    StaleCgroups.sweep(layout);
    List<Path> parents = layout.directories(parent);
    parents.forEach(CgroupFiles::mkdir);
    if (layout instanceof CgroupLayout.V2 v2) {
      String enable = "+memory +cpu +pids";
      CgroupFiles.writeIfPresent(v2.root().resolve("cgroup.subtree_control"), enable);
      CgroupFiles.write(parents.get(0).resolve("cgroup.subtree_control"), enable);
    }
    background.execute(this::refill);
    background.scheduleWithFixedDelay(this::sweepStale, sweepEvery.toMillis(), sweepEvery.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void sweepStale() {
    try {
      StaleCgroups.sweep(layout);
    } catch (RuntimeException e) { // an exception would cancel the schedule; the next round may do better
      LOG.warn("sweeping the cgroups of dead services failed: {}", e.toString());
    }
  }

  public CgroupLayout layout() {
    return layout;
  }

  /** The directories of this service's parent cgroup (tests count its children). */
  public List<Path> parentDirectories() {
    return layout.directories(parent);
  }

  /** A cgroup with {@code limits} applied: a pooled one, or a new one when the pool is empty. Blocking, fast. */
  public Cgroup acquire(CgroupLimits limits) {
    Cgroup cgroup;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("acquire cgroup: the cgroup pool " + parent + " is closed");
      }
      cgroup = free.pollFirst();
    }
    if (cgroup == null) {
      cgroup = createTracked();
    }
    try {
      cgroup.apply(limits);
    } catch (RuntimeException e) {
      release(cgroup);
      throw e;
    }
    if (freeCount() < spare / 2) {
      submit(this::refill);
    }
    return cgroup;
  }

  /** Kills what is left in {@code cgroup} now; waiting for it to empty and resetting it happen in the background. */
  public void release(Cgroup cgroup) {
    cgroup.killAll();
    if (!submit(() -> recycle(cgroup))) {
      recycle(cgroup);
    }
  }

  private Cgroup createTracked() {
    Cgroup cgroup = Cgroup.create(layout, parent + "/" + counter.incrementAndGet());
    synchronized (this) {
      all.add(cgroup);
    }
    return cgroup;
  }

  private void refill() {
    while (freeCount() < spare && !isClosed()) {
      Cgroup cgroup = createTracked();
      synchronized (this) {
        free.addLast(cgroup);
      }
    }
  }

  private void recycle(Cgroup cgroup) {
    if (!awaitEmpty(cgroup)) {
      LOG.warn("{} still holds {} after SIGKILL and {}; not reused", cgroup, cgroup.pids(), EMPTY_WAIT);
      return;
    }
    boolean reuse;
    synchronized (this) {
      reuse = !closed && free.size() < spare * 2;
    }
    try {
      if (reuse) {
        cgroup.reset();
        synchronized (this) {
          free.addFirst(cgroup);
        }
        return;
      }
      destroy(cgroup);
    } catch (RuntimeException e) {
      LOG.warn("recycle {}: {}", cgroup, e.getMessage());
      destroy(cgroup);
    }
  }

  /**
   * Waits, bounded, until the killed processes have left the cgroup, killing any pid that shows up after the
   * kill (a fork that was completing). A killed instance takes 5-20 ms to exit here (most of it unmapping its
   * memory), so the wait backs off from 100 us to 2 ms between reads: polling every 100 us, and killing again
   * each time, cost ~100 rounds of cgroupfs reads and writes per sandbox, the JVM's largest CPU item after
   * teardown stopped spinning on the closing thread.
   */
  private static boolean awaitEmpty(Cgroup cgroup) {
    long deadline = System.nanoTime() + EMPTY_WAIT.toNanos();
    long pause = MIN_PAUSE_NANOS;
    Set<Integer> killed = new HashSet<>();
    while (true) {
      List<Integer> pids = cgroup.pids();
      if (pids.isEmpty()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      if (!killed.containsAll(pids)) {
        cgroup.killAll(killed); // only the pids that showed up after the kill: the others are dying
      }
      LockSupport.parkNanos(pause);
      pause = Math.min(2 * pause, MAX_PAUSE_NANOS);
    }
  }

  private void destroy(Cgroup cgroup) {
    try {
      cgroup.destroy();
    } catch (RuntimeException e) {
      LOG.warn("destroy {}: {}", cgroup, e.getMessage());
    }
    synchronized (this) {
      all.remove(cgroup);
    }
  }

  private boolean submit(Runnable task) {
    try {
      background.execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private synchronized int freeCount() {
    return free.size();
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  /** Waits for pending recycling, kills and removes every cgroup, then the parent. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    background.shutdown();
    try {
      background.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Cgroup> left;
    synchronized (this) {
      left = List.copyOf(all);
      free.clear();
    }
    for (Cgroup cgroup : left) {
      cgroup.killAll();
      awaitEmpty(cgroup);
      destroy(cgroup);
    }
    for (Path dir : layout.directories(parent)) {
      try {
        CgroupFiles.rmdir(dir);
      } catch (RuntimeException e) {
        LOG.warn("remove parent cgroup: {}", e.getMessage());
      }
    }
  }
}
