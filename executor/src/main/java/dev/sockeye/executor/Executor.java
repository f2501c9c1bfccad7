package dev.sockeye.executor;

import dev.sockeye.executor.pool.InstancePool;
import dev.sockeye.executor.pool.PoolState;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import dev.sockeye.zygote.protocol.InvokeMode;
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
  private final ZygoteManager zygotes;
  private final Clock clock;
  private final ExecutorService workers = Executors.newCachedThreadPool(named("sockeye-invoke-"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(named("sockeye-timeouts-"));
  private final Map<String, InstancePool> pools = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public Executor(ExecutorSettings settings, Clock clock) {
    this.clock = clock;
    this.zygotes =
        new ZygoteManager(
            new ZygoteSettings(
                settings.python(), settings.workDir(), settings.preloadModules(), settings.zygoteStartTimeout()),
            clock);
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
          return new InstancePool(deployment, zygotes::fork, workers, timer, clock);
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
    return invoke(function, events, InvokeMode.EACH);
  }

  /**
   * As {@link #invoke(String, List)}; with {@link InvokeMode#BATCH} the handler gets the events as one
   * list and may fail some of them (batchItemFailures), which come back as {@code Failed} outcomes.
   */
  public CompletableFuture<List<InvocationOutcome>> invoke(String function, List<WireEvent> events, InvokeMode mode) {
    InstancePool pool = pools.get(function);
    if (pool == null || closed.get()) {
      InvocationOutcome rejected =
          new InvocationOutcome.Rejected(closed.get() ? "executor is closing" : "function " + function + " is not deployed");
      return CompletableFuture.completedFuture(events.stream().map(e -> rejected).toList());
    }
    return pool.submit(events, mode);
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
