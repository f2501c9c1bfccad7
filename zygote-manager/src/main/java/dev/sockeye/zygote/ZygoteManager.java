package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxProvider;
import dev.sockeye.zygote.output.OutputHub;
import dev.sockeye.zygote.process.ProcessLauncher;
import dev.sockeye.zygote.process.ProcessStartException;
import dev.sockeye.zygote.process.PythonProcess;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.UnixSockets;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every zygote and every instance it hands out. The JVM never forks instances itself: it starts root
 * zygotes (Python processes that pre-import modules), asks zygotes to fork child zygotes that import more,
 * and asks zygotes to fork instances. This facade keeps the tenants' roots and the lifecycle; its parts each
 * own one thing: {@link ZygoteStarter} (zygote processes), {@link Forker} (one fork), {@link SparePool}
 * (spares, thread "zygote-spares"), {@link HotPageLearner} (thread "zygote-hot-pages") and
 * {@link InstanceHandoff} (instances handed out, thread "sockeye-fork-watchdog").
 *
 * <p>Threads: any thread may call any method. {@code roots} is guarded by {@code rootsLock}; each zygote
 * serialises the requests on its own connection; the registries synchronise themselves; the closed flag is
 * atomic.
 */
public final class ZygoteManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZygoteManager.class);
  /** The tenant of functions that name none. */
  public static final String DEFAULT_TENANT = "";

  private final ZygoteSettings settings;
  private final Clock clock;
  private final RuntimeScript runtime;
  private final SocketDirectory sockets;
  private final ProcessLauncher launcher = new ProcessLauncher();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantLock rootsLock = new ReentrantLock();
  private final Map<String, Zygote> roots = new HashMap<>(); // guarded by rootsLock
  private final ZygoteStarter starter;
  private final InstanceHandoff handoff;
  private final SparePool spares;
  private final HotPageLearner learner;
  private final Forker forker;
  private final OutputHub output; // drains every forked instance's own stdout and stderr pipes

  /** Extracts the runtime (sockeye_runtime.pyz) into the work directory; starts nothing. Zygotes run unsandboxed. */
  public ZygoteManager(ZygoteSettings settings, Clock clock) {
    this(settings, clock, null);
  }

  /**
   * As {@link #ZygoteManager(ZygoteSettings, Clock)}, but every root zygote runs inside a sandbox from
   * {@code sandboxes} (null: none; child zygotes live in their root's sandbox), and instances are forked
   * into the sandbox their {@link InstanceSpec} carries.
   */
  public ZygoteManager(ZygoteSettings settings, Clock clock, SandboxProvider sandboxes) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    // Sockets first: a workDir too long for sun_path is rejected before anything is written to disk.
    this.sockets = SocketDirectory.create(settings.workDir().resolve("s"));
    this.runtime = RuntimeScript.extract(settings.python(), settings.workDir());
    this.starter = new ZygoteStarter(settings, runtime, sockets, launcher, sandboxes);
    this.output = new OutputHub(clock, OutputHub.DEFAULT_LINE_BYTES);
    this.handoff = new InstanceHandoff(settings.startTimeout(), output);
    this.spares = new SparePool(settings.sparesPerZygote(), clock, sockets, handoff, closed::get);
    this.learner = new HotPageLearner(spares);
    this.forker = new Forker(clock, sockets, handoff, spares, learner);
  }

  /**
   * Blocking; forks from the default tenant's root zygote, starting it lazily; if it has died, restarts it
   * and retries once ({@link #forkRetryingOnce}). The spec's sandbox, if any, is owned by the returned
   * instance; if the fork fails it is closed here.
   */
  public Instance fork(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    try {
      return forkRetryingOnce(() -> rootFor(spec), dead -> {}, spec);
    } catch (RuntimeException e) {
      if (spec.sandbox() != null) {
        spec.sandbox().close();
      }
      throw e;
    }
  }

  /**
   * Blocking: forks {@code spec} from the zygote {@code choose} returns. The one place that recovers from a dead
   * zygote: if the fork finds it gone, it is discarded (a dead root is restarted by the next {@link #root}),
   * {@code died} is told (so the zygote tree forgets it), and the fork is retried once on a fresh choice; a
   * second death is a {@link ForkFailedException}. The spec's sandbox stays the caller's if this throws.
   */
  public Instance forkRetryingOnce(Supplier<Zygote> choose, Consumer<Zygote> died, InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    Zygote first = choose.get();
    try {
      return fork(first, spec);
    } catch (ZygoteDiedException e) {
      LOG.warn("{}; discarding it and retrying the fork of {} once", e.getMessage(), spec.function());
      discard(first); // it may not look dead yet (not reaped), but its connection is gone
      died.accept(first);
    }
    try {
      return fork(choose.get(), spec);
    } catch (ZygoteDiedException second) {
      throw new ForkFailedException(second.getMessage() + " (after restarting the zygote once)", second);
    }
  }

  /** The default root, with a failure to start it naming the function whose fork needed it. */
  private Zygote rootFor(InstanceSpec spec) {
    try {
      return root(DEFAULT_TENANT);
    } catch (ForkFailedException e) {
      throw new ForkFailedException("fork " + spec.function() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Blocking: forks an instance from {@code zygote}. Throws {@link ZygoteDiedException} if the zygote is
   * gone (the caller may rebuild it and retry), {@link ForkFailedException} for other failures. The spec's
   * sandbox, if any, is owned by the returned instance; if this throws it stays the caller's.
   */
  public Instance fork(Zygote zygote, InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    requireOpen("fork " + spec.function());
    return forker.fork(zygote, spec);
  }

  /** Blocking: the root zygote of {@code tenant}, started now if it is not running. Tenants never share one. */
  public Zygote root(String tenant) {
    rootsLock.lock();
    try {
      requireOpen("start root zygote of tenant '" + tenant + "'");
      Zygote root = roots.get(tenant);
      if (root != null && !root.isAlive()) {
        LOG.warn("{} has died; starting a new one", root);
        stop(root);
        root = null;
      }
      if (root == null) {
        root = starter.startRoot(tenant);
        roots.put(tenant, root);
      }
      return root;
    } finally {
      rootsLock.unlock();
    }
  }

  /**
   * Blocking: forks a child of {@code parent} that appends {@code sysPath} to its {@code sys.path} and
   * imports {@code modules}; returns once the imports are done. Modules that fail to import are left out
   * and listed in {@link Zygote#failedModules()}. Throws {@link ZygoteDiedException} if the parent is gone.
   */
  public Zygote startChild(Zygote parent, List<String> sysPath, List<String> modules) {
    return starter.startChild(parent, sysPath, modules, this::requireOpen);
  }

  /**
   * Stops a zygote that was found dead or unreachable and forgets it as its tenant's root, so the next
   * use starts a new one even if the old process has not been reaped yet. Idempotent.
   */
  public void discard(Zygote zygote) {
    rootsLock.lock();
    try {
      roots.remove(zygote.tenant(), zygote);
    } finally {
      rootsLock.unlock();
    }
    stop(zygote);
  }

  /** Stops a zygote (its instances and child zygotes die with it). Idempotent. */
  public void stop(Zygote zygote) {
    starter.stop(zygote.process());
  }

  /**
   * Blocking: returns once the background work queued so far has finished (hot-page learning, then spare
   * refills) and every pooled spare has prepared: the manager is then as it is between bursts. For callers
   * that need that settled state, such as tests and measurements of steady state.
   */
  public void awaitBackgroundWork() {
    learner.awaitIdle();
    spares.awaitIdle(starter.running());
  }

  /** How many spares contended forks asked for in batches so far. */
  long batchedSpares() {
    return spares.batchedSpares();
  }

  /**
   * Blocking: starts {@code python sockeye_runtime.pyz instance ...} as a fresh interpreter, without a zygote:
   * the start path SOCK's import cache is measured against. The instance is unsandboxed.
   */
  public Instance spawnFresh(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    long n = handoff.nextNumber();
    String id = spec.function() + "-" + n;
    String where = "spawn fresh " + spec.function() + " as " + id;
    requireOpen(where);
    Path socket = sockets.socket("i" + n);
    ProcessBuilder builder = new ProcessBuilder(runtime.instance(socket, spec)).directory(settings.workDir().toFile());
    builder.environment().putAll(spec.env());
    Instant start = clock.instant();
    PythonProcess python;
    try {
      python = PythonProcess.start(launcher, "instance-" + id, builder, settings.startTimeout());
    } catch (ProcessStartException e) {
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
    try {
      SocketChannel channel = UnixSockets.connect(socket, "instance " + id + " (pid " + python.pid() + ")");
      Duration forkTime = Duration.between(start, clock.instant());
      return handoff.register(new Instance(id, python.pid(), forkTime, channel, socket, python.handle(),
          handoff.unregister(), null), where);
    } catch (UncheckedIOException e) {
      python.close();
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
  }

  private void requireOpen(String operation) {
    if (closed.get()) {
      throw new ForkFailedException(operation + ": the zygote manager is closed");
    }
  }

  /** Drains forked instances' stdout and stderr; its sink says where the lines go (the service log by default). */
  public OutputHub output() {
    return output;
  }

  /** The most output one invocation of {@code function} keeps (function.yaml's logs_max_kb); for instances forked later. */
  public void limitOutput(String function, long bytesPerInvocation) {
    handoff.limitOutput(function, bytesPerInvocation);
  }

  /**
   * Idempotent: SIGKILLs every instance handed out, terminates every zygote (SIGTERM, SIGKILL after ~2 s),
   * and deletes all sockets. A fork blocked on a zygote fails with ForkFailedException.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Instance> handedOut = handoff.killAll();
    starter.stopAll();
    InstanceHandoff.awaitExit(handedOut);
    learner.close();
    spares.close();
    launcher.close();
    sockets.close();
    handoff.close();
    output.close();
  }
}
