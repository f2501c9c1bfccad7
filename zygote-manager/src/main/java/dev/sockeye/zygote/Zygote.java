package dev.sockeye.zygote;

import dev.sockeye.zygote.process.ProcessMemory;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.protocol.ZygoteStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A zygote the manager started: the root of a tenant, or a child forked from another zygote that holds
 * its parent's imports plus its own. Immutable apart from its process's liveness; requests on its one
 * connection are serialised by {@code lock}, so forks from different zygotes run in parallel.
 */
public final class Zygote {
  private final String name;
  private final String tenant;
  private final Zygote parent;
  private final ZygoteProcess process;
  private volatile ZygoteStatus status; // replaced when it imports more
  private final HotPages hotPages = new HotPages();
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean refillQueued = new AtomicBoolean();
  private final Path hostRoot; // the sandbox root it lives in, as the host sees it; null when unsandboxed

  Zygote(String name, String tenant, Zygote parent, ZygoteProcess process, ZygoteStatus status, Path hostRoot) {
    this.hostRoot = hostRoot;
    this.name = name;
    this.tenant = tenant;
    this.parent = parent;
    this.process = process;
    this.status = status;
  }

  public String name() {
    return name;
  }

  public String tenant() {
    return tenant;
  }

  public Optional<Zygote> parent() {
    return Optional.ofNullable(parent);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Every module this zygote holds imported, inherited ones included. */
  public List<String> modules() {
    return status.preloaded();
  }

  /** What this zygote's own imports cost, per module, in microseconds. */
  public Map<String, Long> importMicros() {
    return status.importMicros();
  }

  /** Modules it was asked to import but could not, with the error. */
  public Map<String, String> failedModules() {
    return status.failed();
  }

  /**
   * Its proportional set size: pages shared copy-on-write with its parent and siblings count once in
   * total, so the sum over a tree is what the tree really costs. 0 when it cannot be read.
   */
  public long pssBytes() {
    return ProcessMemory.pss(pid());
  }

  /** Forks waiting for this zygote's one connection: how hot it is right now. */
  public int queueLength() {
    return lock.getQueueLength() + (lock.isLocked() ? 1 : 0);
  }

  /** The root of the sandbox it runs in, as the host sees it; null when it runs unsandboxed. */
  Path hostRoot() {
    return hostRoot;
  }

  ZygoteProcess process() {
    return process;
  }

  /** Pages its children copy right after fork, learned from its first instances. */
  HotPages hotPages() {
    return hotPages;
  }

  /** Hot pages its children copy at once; 0 until learned. */
  public long hotPageCount() {
    return hotPages.count();
  }

  /**
   * Blocking: imports {@code modules} into this running zygote, so later forks inherit them (what its
   * instances were seen importing themselves). Modules that fail are listed in {@link #failedModules()}.
   */
  public void importModules(List<String> modules) {
    if (!modules.isEmpty()) {
      status = request(p -> {
        p.discardSpares(); // forked before the import: each instance would import the modules again
        return p.importModules(modules);
      });
    }
  }

  /** True if no spare refill is queued for this zygote yet (and now one is). */
  boolean claimRefill() {
    return refillQueued.compareAndSet(false, true);
  }

  /** The queued refill has started: later forks may queue another. */
  void refillClaimed() {
    refillQueued.set(false);
  }

  <T> T request(Function<ZygoteProcess, T> call) {
    lock.lock();
    try {
      return call.apply(process);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "zygote " + name + " (pid " + pid() + ")";
  }
}
