package dev.sockeye.metrics;

import static dev.sockeye.metrics.SockeyeMeters.*;

import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ExecutorListener;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.ZygoteLookup;
import dev.sockeye.executor.pool.PoolState;
import dev.sockeye.executor.ZygoteNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;

/**
 * The executor's meters: it reports instance starts, sandbox setup and teardown and zygote lookups
 * through {@link ExecutorListener} (on its worker threads), and the gauges (instances by state, the
 * zygote tree, the package store) read its state when scraped. Thread-safe: meters are, and the
 * per-function gauges sit in a concurrent map.
 */
final class ExecutorMetrics implements ExecutorListener {
  private final MeterRegistry registry;
  private final Executor executor;
  private final Timer sandboxCreate;
  private final Timer sandboxDestroy;
  private final Map<String, List<Meter>> instanceGauges = new ConcurrentHashMap<>();

  ExecutorMetrics(MeterRegistry registry, Executor executor, long zygoteBudgetBytes) {
    this.registry = registry;
    this.executor = executor;
    this.sandboxCreate = histogram(registry, SANDBOX_CREATE, "Building an instance's sandbox");
    this.sandboxDestroy = histogram(registry, SANDBOX_DESTROY, "Tearing an instance's sandbox down");
    for (ZygoteLookup l : ZygoteLookup.values()) { // all three exist from the start, so ratios have a denominator
      counter(registry, ZYGOTE_LOOKUPS, "Forks by how well their zygote matched", RESULT, l.name().toLowerCase());
    }
    Gauge.builder(ZYGOTE_NODES, executor, e -> e.zygoteTree().size()).description("Nodes of the zygote tree").register(registry);
    Gauge.builder(ZYGOTE_MEMORY, executor, e -> e.zygoteTree().stream().mapToLong(ZygoteNode::pssBytes).sum())
        .description("Memory (PSS) of the running zygotes").register(registry);
    Gauge.builder(ZYGOTE_MEMORY_BUDGET, () -> zygoteBudgetBytes).description("Memory the zygote tree may hold").register(registry);
    Gauge.builder(PACKAGE_STORE, executor, e -> e.packages().sizeBytes()).description("Bytes on disk in the package store").register(registry);
  }

  @Override
  public void instanceStarted(String function, StartKind kind, Duration took) {
    counter(registry, INSTANCE_STARTS, "New instances", FUNCTION, function, START_KIND, kind.name()).increment();
    histogram(registry, COLD_START, "Sandbox and fork of a new instance", FUNCTION, function, START_KIND, kind.name()).record(took);
  }

  @Override
  public void sandboxCreated(Duration took) {
    sandboxCreate.record(took);
  }

  @Override
  public void sandboxDestroyed(Duration took) {
    sandboxDestroy.record(took);
  }

  @Override
  public void zygoteLookup(ZygoteLookup result) {
    counter(registry, ZYGOTE_LOOKUPS, "Forks by how well their zygote matched", RESULT, result.name().toLowerCase()).increment();
  }

  /** Adds the function's instance gauges; idempotent. */
  void functionDeployed(String function) {
    instanceGauges.computeIfAbsent(function, f -> {
      List<Meter> meters = new ArrayList<>(3);
      meters.add(instances(f, "busy", s -> s.alive() - s.idle()));
      meters.add(instances(f, "idle", s -> s.idle() - s.frozen()));
      meters.add(instances(f, "frozen", PoolState::frozen));
      return meters;
    });
  }

  /** Removes the function's instance gauges: it is no longer deployed. */
  void functionUndeployed(String function) {
    List<Meter> meters = instanceGauges.remove(function);
    if (meters != null) {
      meters.forEach(registry::remove);
    }
  }

  private Meter instances(String function, String state, ToIntFunction<PoolState> count) {
    return Gauge.builder(INSTANCES, executor, e -> e.poolState(function).map(count::applyAsInt).orElse(0))
        .description("Instances by state: busy (running work or being forked), idle (warm), frozen")
        .tags(FUNCTION, function, STATE, state).strongReference(true).register(registry);
  }
}
