package dev.sockeye.executor;

import dev.sockeye.executor.pool.InstancePool;
import dev.sockeye.executor.pool.PoolState;
import dev.sockeye.executor.sandbox.SandboxSpec;
import dev.sockeye.executor.sandbox.Sandboxes;
import dev.sockeye.executor.sandbox.cgroup.CgroupLimits;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import dev.sockeye.zygote.protocol.WireEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs deployed functions on events. Owns the zygote manager, one {@link InstancePool} per deployed
 * function, the worker threads that block on forks and invocations, and the timeout timer.
 *
 * <p>Thread-safety: every method may be called from any thread and none blocks, except {@link
 * #close()}. {@code pools} is a concurrent map; each pool guards its own state.
 */
public final class Executor implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Executor.class);
  private final Sandboxes sandboxes; // null: --unsafe-no-sandbox
  private final ZygoteManager zygotes;
  private final Clock clock;
  private final ExecutorService workers = Executors.newCachedThreadPool(named("sockeye-invoke-"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(named("sockeye-timeouts-"));
  private final Map<String, InstancePool> pools = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * With {@code settings.sandbox()} set, checks the host and builds the sandbox machinery first (throwing
   * SandboxUnavailableException naming what is missing); every zygote and instance then runs sandboxed.
   */
  public Executor(ExecutorSettings settings, Clock clock) {
    this.clock = clock;
    ZygoteSettings zygoteSettings = new ZygoteSettings(
        settings.python(), settings.workDir(), settings.preloadModules(), settings.zygoteStartTimeout());
    if (settings.sandbox() == null) {
      LOG.warn("UNSAFE: handlers run without a sandbox (--unsafe-no-sandbox); results say UNSANDBOXED_*");
      this.sandboxes = null;
    } else {
      this.sandboxes = Sandboxes.start(settings.sandbox(), settings.python(), clock);
    }
    this.zygotes = new ZygoteManager(zygoteSettings, clock, sandboxes);
  }

  /** True unless the executor runs handlers without isolation. */
  public boolean sandboxed() {
    return sandboxes != null;
  }

  /** Builds the function's sandbox (on the calling worker thread) and forks an instance into it. */
  private Instance fork(FunctionDeployment deployment, InstanceSpec spec) {
    if (sandboxes == null) {
      return zygotes.fork(spec);
    }
    FunctionLimits l = deployment.limits();
    var box = sandboxes.create(new SandboxSpec(deployment.codeDir(),
        new CgroupLimits(l.memoryMb(), l.pids(), l.cpuShares()), l.scratchMb(), l.network()));
    return zygotes.fork(new InstanceSpec(spec.function(), spec.version(), spec.codeDir(), spec.env(), box));
  }

  /**
   * Makes {@code deployment} the version that new work runs on. A different version of the same
   * function is retired: its idle instances are killed, and work already submitted finishes on it.
   */
  public void deploy(FunctionDeployment deployment) {
    InstancePool[] retired = new InstancePool[1];
    pools.compute(
        deployment.name(),
        (name, current) -> {
          if (current != null && current.deployment().equals(deployment)) {
            return current; // the same version again: keep its warm instances
          }
          retired[0] = current;
          return new InstancePool(deployment, spec -> fork(deployment, spec), workers, timer, clock);
        });
    if (retired[0] != null) {
      retired[0].retire(); // work already queued on the old version still runs on it
    }
  }

  /** Retires the function; later invocations are rejected. */
  public void undeploy(String function) {
    InstancePool old = pools.remove(function);
    if (old != null) {
      old.close();
    }
  }

  /** Never blocks; completes with one outcome per event, in order, and never completes exceptionally. */
  public CompletableFuture<List<InvocationOutcome>> invoke(String function, List<WireEvent> events) {
    InstancePool pool = pools.get(function);
    if (pool == null || closed.get()) {
      InvocationOutcome rejected =
          new InvocationOutcome.Rejected(closed.get() ? "executor is closing" : "function " + function + " is not deployed");
      return CompletableFuture.completedFuture(events.stream().map(e -> rejected).toList());
    }
    return sandboxes != null ? pool.submit(events)
        : pool.submit(events).thenApply(outcomes -> outcomes.stream().map(Unsandboxed::relabel).toList());
  }

  /** The version a function runs, if deployed. */
  public Optional<FunctionDeployment> deployment(String function) {
    return Optional.ofNullable(pools.get(function)).map(InstancePool::deployment);
  }

  public Optional<PoolState> poolState(String function) {
    return Optional.ofNullable(pools.get(function)).map(InstancePool::state);
  }

  /** Rejects new work, kills every instance and zygote, stops the threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    pools.values().forEach(InstancePool::close);
    pools.clear();
    zygotes.close(); // kills instances still running work; their invocations fail fast
    if (sandboxes != null) {
      sandboxes.close(); // after every instance and zygote (and so every sandbox) is gone
    }
    timer.shutdownNow();
    workers.shutdown();
  }

  private static java.util.concurrent.ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
