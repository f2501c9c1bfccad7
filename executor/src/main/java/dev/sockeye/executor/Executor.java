package dev.sockeye.executor;

import dev.sockeye.executor.packages.InstalledPackage;
import dev.sockeye.executor.packages.PackageStore;
import dev.sockeye.executor.pool.InstancePool;
import dev.sockeye.executor.pool.PoolState;
import dev.sockeye.sandbox.SandboxSpec;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.sandbox.cgroup.CgroupLimits;
import dev.sockeye.zygote.tree.HeldPackage;
import dev.sockeye.zygote.tree.ImportNeeds;
import dev.sockeye.zygote.tree.PackagePaths;
import dev.sockeye.zygote.tree.ZygoteTree;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import dev.sockeye.zygote.invoke.InvokeMode;
import dev.sockeye.zygote.invoke.WireEvent;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployed functions on events. Owns the sandboxes, the package store, the zygote manager and tree,
 * one {@link InstancePool} per deployed function, the worker threads that block on forks and invocations, the
 * timer that enforces timeouts and scales idle functions to zero, and the thread that builds zygotes.
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #deploy} blocks (it installs
 * packages) and so does {@link #close()}, the others never block. {@code pools} is a concurrent map;
 * each pool and the tree guard their own state.
 */
public final class Executor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Executor.class);

  private final ExecutorSettings settings;
  private final Sandboxes sandboxes; // null: --unsafe-no-sandbox
  private final PackagePaths paths;
  private final ZygoteManager zygotes;
  private final PackageStore store;
  private final ZygoteTree tree;
  private final Clock clock;
  private final ExecutorService workers = Executors.newCachedThreadPool(named("sockeye-invoke-"));
  private final ExecutorService builder = Executors.newSingleThreadExecutor(named("sockeye-zygote-builder-"));
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(named("sockeye-timeouts-"));
  private final Map<String, InstancePool> pools = new ConcurrentHashMap<>();
  private final Map<String, ImportNeeds> needs = new ConcurrentHashMap<>(); // the deployed version's, for status
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ExecutorListener listener = ExecutorListener.NONE;

  /**
   * With {@code settings.sandbox()} set, checks the host and builds the sandbox machinery first (throwing
   * SandboxUnavailableException naming what is missing); every zygote and instance then runs sandboxed.
   */
  public Executor(ExecutorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    if (settings.sandbox() == null) {
      log.warn("UNSAFE: handlers run without a sandbox (--unsafe-no-sandbox); results say UNSANDBOXED_*");
      this.sandboxes = null;
      this.paths = PackagePaths.host(settings.packageStore());
    } else {
      this.sandboxes = Sandboxes.start(settings.sandbox(), settings.python(), clock);
      this.paths = new PackagePaths(settings.packageStore(), Path.of("/packages"));
    }
    this.zygotes = new ZygoteManager(new ZygoteSettings(settings.python(), settings.workDir(),
        settings.preloadModules(), settings.zygoteStartTimeout(), settings.tree().sparesPerZygote()), clock, sandboxes);
    this.store = new PackageStore(settings.packageStore(), settings.pip());
    this.tree = new ZygoteTree(zygotes, settings.tree().tree(), builder, paths);
    long reapMs = Math.max(50, Math.min(1_000, Math.min(settings.handlerCache().idleTimeout().toMillis(),
        settings.handlerCache().freezeAfter().toMillis()) / 2));
    timer.scheduleWithFixedDelay(this::scaleDown, reapMs, reapMs, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(() -> builder.execute(tree::maintain), 5, 5, TimeUnit.SECONDS);
  }

  /**
   * Blocking: installs the function's packages (once per version in the store), then makes {@code
   * deployment} the version that new work runs on. A different version of the same function is retired:
   * its idle instances are killed, and work already submitted finishes on it. Throws {@link
   * dev.sockeye.executor.packages.PackageInstallException} with pip's error when the packages cannot be
   * installed; the previous version, if any, keeps running then.
   */
  public void deploy(FunctionDeployment deployment) {
    ImportNeeds needs = new ImportNeeds(deployment.tenant(), install(deployment));
    prebuildZygote(deployment, needs);
    this.needs.put(deployment.name(), needs);
    InstancePool[] retired = new InstancePool[1];
    pools.compute(deployment.name(), (name, current) -> {
      if (current != null && current.deployment().equals(deployment)) {
        return current; // the same version again: keep its warm instances
      }
      retired[0] = current;
      return new InstancePool(deployment, spec -> fork(deployment, needs, spec), workers, timer, clock);
    });
    if (retired[0] != null) {
      retired[0].retire(); // work already queued on the old version still runs on it
    }
  }

  /**
   * Blocking, bounded: builds the zygote holding the function's packages so its first event forks from it
   * rather than from an ancestor lacking them. If that fails or times out, the deploy goes on and the tree
   * grows the node on demand as before.
   */
  private void prebuildZygote(FunctionDeployment d, ImportNeeds needs) {
    if (needs.closure().isEmpty()) {
      return; // forks from the tenant's root, built on first use
    }
    Duration bound = settings.zygoteStartTimeout().multipliedBy(2);
    long start = clock.millis();
    try {
      tree.seed(needs.tenant(), needs.closure()).get(bound.toMillis(), TimeUnit.MILLISECONDS);
      log.info("{}: zygote for {} ready in {} ms", d.name(), needs.keys(), clock.millis() - start);
    } catch (TimeoutException e) {
      log.warn("{}: zygote for {} not ready within {}; first events fork from an ancestor", d.name(), needs.keys(), bound);
    } catch (ExecutionException e) {
      log.warn("{}: zygote for {} not built ({}); first events fork from an ancestor", d.name(), needs.keys(),
          e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private List<HeldPackage> install(FunctionDeployment d) {
    if (d.requirements().isEmpty()) {
      return List.of();
    }
    return InstalledPackage.held(store.installAll(d.requirements(), "requirements.txt of " + d.name()));
  }

  /** Sends lifecycle events (instance starts, sandbox setup and teardown, zygote lookups) to {@code l} from now on. */
  public void listen(ExecutorListener l) {
    this.listener = l;
    tree.onLookup(m -> Listeners.quietly(() -> l.zygoteLookup(ZygoteLookup.valueOf(m.name()))));
  }

  /** True unless the executor runs handlers without isolation. */
  /**
   * Where forked instances' stdout, stderr and per-invocation reports go (the service log until set); the sink
   * must never block.
   */
  public void handlerOutput(dev.sockeye.executor.logs.OutputSink sink) {
    zygotes.output().sinkTo(dev.sockeye.executor.logs.HandlerOutputs.to(sink));
  }

  /** The most output one invocation of {@code function} keeps (function.yaml's logs_max_kb), for instances forked later. */
  public void limitOutput(String function, long bytesPerInvocation) {
    zygotes.limitOutput(function, bytesPerInvocation);
  }

  public boolean sandboxed() {
    return sandboxes != null;
  }

  /** On a worker thread: builds the function's sandbox, then forks from the best zygote into it. */
  private Instance fork(FunctionDeployment deployment, ImportNeeds needs, InstanceSpec spec) {
    java.time.Instant start = clock.instant();
    ExecutorListener l = listener;
    Instance instance = forkInSandbox(deployment, needs, spec, l);
    StartKind kind = sandboxes == null ? StartKind.UNSANDBOXED_ZYGOTE : StartKind.ZYGOTE;
    Listeners.quietly(() -> l.instanceStarted(deployment.name(), kind, java.time.Duration.between(start, clock.instant())));
    return instance;
  }

  private Instance forkInSandbox(FunctionDeployment deployment, ImportNeeds needs, InstanceSpec spec, ExecutorListener listener) {
    InstanceSpec withPackages = spec.withSysPath(needs.sysPath(paths));
    if (sandboxes == null) {
      return tree.fork(needs, withPackages);
    }
    FunctionLimits l = deployment.limits();
    java.time.Instant start = clock.instant();
    SandboxHandle box = new TimedSandbox(sandboxes.create(new SandboxSpec(deployment.codeDir(),
        new CgroupLimits(l.memoryMb(), l.pids(), l.cpuShares()), l.scratchMb(), l.network())), listener, clock);
    Listeners.quietly(() -> listener.sandboxCreated(java.time.Duration.between(start, clock.instant())));
    try {
      return tree.fork(needs, withPackages.withSandbox(box));
    } catch (RuntimeException e) {
      box.close();
      throw e;
    }
  }

  /** Adds a zygote tree node holding {@code requirements}' closure, built in the background. Blocking (installs). */
  public void seedZygote(String tenant, List<String> requirements) {
    tree.seed(tenant, InstalledPackage.held(store.installAll(requirements, "zygote tree node " + requirements)));
  }

  /** Retires the function; later invocations are rejected. */
  public void undeploy(String function) {
    needs.remove(function);
    InstancePool old = pools.remove(function);
    if (old != null) {
      old.close();
    }
  }

  /** Never blocks; completes with one outcome per event, in order, and never completes exceptionally. */
  public CompletableFuture<List<InvocationOutcome>> invoke(String function, List<Event> events) {
    return invoke(function, events, CallMode.EACH);
  }

  /**
   * As {@link #invoke(String, List)}; with {@link CallMode#BATCH} the handler gets the events as one
   * list and may fail some of them (batchItemFailures), which come back as {@code Failed} outcomes.
   */
  public CompletableFuture<List<InvocationOutcome>> invoke(String function, List<Event> events, CallMode mode) {
    InstancePool pool = pools.get(function);
    if (pool == null || closed.get()) {
      InvocationOutcome rejected = new InvocationOutcome.Rejected(
          closed.get() ? "executor is closing" : "function " + function + " is not deployed");
      return CompletableFuture.completedFuture(events.stream().map(e -> rejected).toList());
    }
    List<WireEvent> wire = WireEvents.of(events);
    InvokeMode wireMode = mode == CallMode.BATCH ? InvokeMode.BATCH : InvokeMode.EACH;
    return sandboxes != null ? pool.submit(wire, wireMode)
        : pool.submit(wire, wireMode).thenApply(outcomes -> outcomes.stream().map(Unsandboxed::relabel).toList());
  }

  /** The version a function runs, if deployed. */
  public Optional<FunctionDeployment> deployment(String function) {
    return Optional.ofNullable(pools.get(function)).map(InstancePool::deployment);
  }

  public Optional<PoolState> poolState(String function) {
    return Optional.ofNullable(pools.get(function)).map(InstancePool::state);
  }

  /** The zygote tree, for status. */
  public List<ZygoteNode> zygoteTree() {
    return tree.snapshot().stream().map(v -> new ZygoteNode(v.id(), v.parentId(), v.tenant(), v.packages(), v.pid(),
        v.pssBytes(), v.hits(), v.savedMicros(), v.replicas())).toList();
  }

  /** The tree node holding exactly the function's packages, if there is one (status shows it). */
  public Optional<FunctionZygote> functionZygote(String function) {
    return Optional.ofNullable(needs.get(function)).flatMap(n -> tree.heldBy(n.tenant(), n.keys()))
        .map(h -> new FunctionZygote(h.nodeId(), h.packages(), h.state().name().toLowerCase(java.util.Locale.ROOT)));
  }

  public PackageStore packages() {
    return store;
  }

  /** On the timer: close long-idle instances, freeze idle ones, and keep frozen ones within their budget. */
  private void scaleDown() {
    try {
      HandlerCacheSettings cache = settings.handlerCache();
      pools.forEach((name, pool) -> {
        int closedNow = pool.reapIdle(cache.idleTimeout());
        if (closedNow > 0) {
          log.debug("{}: closed {} instances idle for over {}", name, closedNow, cache.idleTimeout());
        }
        if (sandboxes != null) {
          pool.freezeIdle(cache.freezeAfter());
        }
      });
      evictFrozenOverBudget(cache.frozenMemoryBudgetBytes());
    } catch (RuntimeException e) {
      log.warn("scaling idle instances down failed: {}", e.toString()); // the timer must keep running
    }
  }

  /** Least recently used first, measured from the cgroups: what frozen instances really hold, not their limits. */
  private void evictFrozenOverBudget(long budget) {
    List<InstancePool.FrozenInstance> frozen = new java.util.ArrayList<>();
    pools.values().forEach(p -> frozen.addAll(p.frozenInstances()));
    frozen.sort(java.util.Comparator.comparing(InstancePool.FrozenInstance::idleSince));
    long total = 0;
    Map<InstancePool.FrozenInstance, Long> bytes = new java.util.HashMap<>();
    for (var f : frozen) {
      long b = f.instance().sandbox().map(SandboxHandle::memoryBytes).orElse(0L);
      bytes.put(f, b);
      total += b;
    }
    for (var f : frozen) {
      if (total <= budget) {
        return;
      }
      if (f.pool().evictIdle(f.instance())) {
        total -= bytes.get(f);
      }
    }
  }

  /** Rejects new work, kills every instance and zygote, stops the threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timer.shutdownNow();
    pools.values().forEach(InstancePool::close);
    pools.clear();
    builder.shutdownNow();
    zygotes.close(); // kills instances still running work; their invocations fail fast
    workers.shutdown();
    if (sandboxes != null) {
      sandboxes.close(); // after every instance and zygote (and so every sandbox) is gone
    }
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
