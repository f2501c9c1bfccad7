package dev.sockeye.zygote;

import dev.sockeye.zygote.process.Liveness;
import dev.sockeye.zygote.process.ProcessLauncher;
import dev.sockeye.zygote.process.ProcessStartException;
import dev.sockeye.zygote.process.PythonProcess;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.process.ZygoteUnavailableException;
import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkRequest;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the root zygote and every instance it hands out. The JVM never forks instances itself: it starts
 * zygotes (Python processes that pre-import modules) and asks them to fork.
 *
 * <p>Threads: any thread may call {@link #fork}, {@link #spawnFresh} and {@link #close}. The root zygote
 * field is guarded by {@code forkLock}, which also serialises forks on that zygote; the registries
 * synchronise themselves; counters and the closed flag are atomic.
 */
public final class ZygoteManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZygoteManager.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
  private static final String ROOT = "root";

  private final ZygoteSettings settings;
  private final Clock clock;
  private final RuntimeScript runtime;
  private final SocketDirectory sockets;
  private final ProcessLauncher launcher = new ProcessLauncher();
  private final Registry<Instance> instances = new Registry<>();
  private final Registry<ZygoteProcess> zygotes = new Registry<>();
  private final AtomicLong instanceCounter = new AtomicLong();
  private final AtomicLong zygoteCounter = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantLock forkLock = new ReentrantLock();
  private final SandboxProvider sandboxes; // null: zygotes run unsandboxed
  private ZygoteProcess root;

  /** Extracts sockeye_runtime.py into the work directory; starts nothing yet. Zygotes run unsandboxed. */
  public ZygoteManager(ZygoteSettings settings, Clock clock) {
    this(settings, clock, null);
  }

  /**
   * As {@link #ZygoteManager(ZygoteSettings, Clock)}, but every zygote runs inside a sandbox from {@code sandboxes}
   * (null: none), and instances are forked into the sandbox their {@link InstanceSpec} carries.
   */
  public ZygoteManager(ZygoteSettings settings, Clock clock, SandboxProvider sandboxes) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sandboxes = sandboxes;
    // Sockets first: a workDir too long for sun_path is rejected before anything is written to disk.
    this.sockets = SocketDirectory.create(settings.workDir().resolve("s"));
    this.runtime = RuntimeScript.extract(settings.python(), settings.workDir());
  }

  /**
   * Blocking; safe from many threads (forks on one zygote are serialised). Starts the root zygote lazily; if
   * it has died, restarts it and retries once. The spec's sandbox, if any, is owned by the returned instance;
   * if the fork fails it is closed here.
   */
  public Instance fork(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    forkLock.lock();
    try {
      requireOpen("fork " + spec.function());
      return forkWithRetry(spec);
    } catch (RuntimeException e) {
      if (spec.sandbox() != null) {
        spec.sandbox().close();
      }
      throw e;
    } finally {
      forkLock.unlock();
    }
  }

  private Instance forkWithRetry(InstanceSpec spec) {
    try {
      return forkOn(liveRoot(spec), spec);
    } catch (ZygoteUnavailableException first) {
      LOG.warn("{}; restarting zygote {} and retrying once", first.getMessage(), ROOT);
      discardRoot();
      try {
        return forkOn(liveRoot(spec), spec);
      } catch (ZygoteUnavailableException second) {
        discardRoot();
        throw new ForkFailedException(second.getMessage() + " (after restarting the zygote once)", second);
      }
    }
  }

  private ZygoteProcess liveRoot(InstanceSpec spec) {
    requireOpen("fork " + spec.function());
    if (root != null && !root.isAlive()) {
      LOG.warn("zygote {} (pid {}) has died; starting a new one", ROOT, root.pid());
      discardRoot();
    }
    if (root == null) {
      root = startZygote(ROOT, spec);
    }
    return root;
  }

  private ZygoteProcess startZygote(String name, InstanceSpec spec) {
    if (sandboxes != null) {
      return startSandboxedZygote(name, spec);
    }
    Path socket = sockets.socket("z" + zygoteCounter.getAndIncrement());
    ProcessBuilder builder = new ProcessBuilder(runtime.zygote(socket, settings.preloadModules()))
        .directory(settings.workDir().toFile());
    return startZygote(name, spec, builder, socket, null);
  }

  /** The zygote enters its own sandbox (root, cgroups, empty network namespace) before it imports anything. */
  private ZygoteProcess startSandboxedZygote(String name, InstanceSpec spec) {
    SandboxHandle box = sandboxes.zygoteSandbox();
    try {
      Path socket = UnixSockets.requireShortEnough(box.hostRoot().resolve("host/z.sock"));
      ProcessBuilder builder = new ProcessBuilder(runtime.sandboxedZygote(box, settings.preloadModules()))
          .directory(box.hostRoot().toFile());
      return startZygote(name, spec, builder, socket, box);
    } catch (RuntimeException e) {
      box.close();
      throw e;
    }
  }

  private ZygoteProcess startZygote(String name, InstanceSpec spec, ProcessBuilder builder, Path socket,
      SandboxHandle box) {
    ZygoteProcess zygote;
    try {
      zygote = ZygoteProcess.start(launcher, name, builder, socket, settings.startTimeout(), box);
    } catch (ProcessStartException e) {
      throw new ForkFailedException("fork " + spec.function() + ": zygote " + name + " did not start: "
          + e.getMessage(), e);
    }
    if (!zygotes.add(zygote)) {
      zygote.close();
      throw new ForkFailedException("fork " + spec.function() + ": the zygote manager was closed");
    }
    LOG.info("zygote {} started (pid {}, preloaded {})", name, zygote.pid(), settings.preloadModules());
    return zygote;
  }

  private void discardRoot() {
    if (root != null) {
      zygotes.remove(root);
      root.close();
      root = null;
    }
  }

  private Instance forkOn(ZygoteProcess zygote, InstanceSpec spec) {
    long n = instanceCounter.incrementAndGet();
    SandboxHandle box = spec.sandbox();
    Path socket = box == null ? sockets.socket("i" + n) : UnixSockets.requireShortEnough(box.hostRoot().resolve(
        "host/sock"));
    String where = "fork " + spec.function() + " from zygote " + zygote.name() + " (pid " + zygote.pid() + ")";
    try {
      Instant start = clock.instant();
      ForkReply reply = zygote.fork(box == null
          ? new ForkRequest(spec.function(), spec.version(), spec.codeDir(), socket, spec.env(), null)
          : new ForkRequest(spec.function(), spec.version(), Path.of("/handler"), Path.of("/host/sock"), spec.env(),
              box));
      if (reply instanceof ForkReply.Refused refused) {
        throw new ForkFailedException(where + ": " + refused.error());
      }
      Duration forkTime = Duration.between(start, clock.instant());
      return connectForked(spec.function() + "-" + n, ((ForkReply.Forked) reply).pid(), forkTime, socket, where,
          box);
    } catch (RuntimeException e) {
      UnixSockets.deleteQuietly(socket);
      throw e;
    }
  }

  private Instance connectForked(String id, long pid, Duration forkTime, Path socket, String where,
      SandboxHandle box) {
    ProcessHandle process = ProcessHandle.of(pid).orElse(null);
    SocketChannel channel;
    try {
      channel = UnixSockets.connect(socket, "instance " + id + " (pid " + pid + ")");
    } catch (UncheckedIOException e) {
      if (process != null) {
        process.destroyForcibly();
      }
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
    return register(new Instance(id, pid, forkTime, channel, socket, process, instances::remove, box), where);
  }

  /** Blocking: starts {@code python sockeye_runtime.py instance ...} as a fresh interpreter, for benchmarks. */
  public Instance spawnFresh(InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    long n = instanceCounter.incrementAndGet();
    String id = spec.function() + "-" + n;
    String where = "spawn fresh " + spec.function() + " as " + id;
    requireOpen(where);
    Path socket = sockets.socket("i" + n);
    ProcessBuilder builder = new ProcessBuilder(runtime.instance(socket, spec)).directory(settings.workDir().toFile());
    builder.environment().putAll(spec.env());
    Instant start = clock.instant();
    PythonProcess python = startFresh(builder, id, socket, where);
    try {
      SocketChannel channel = UnixSockets.connect(socket, "instance " + id + " (pid " + python.pid() + ")");
      Duration forkTime = Duration.between(start, clock.instant());
      return register(new Instance(id, python.pid(), forkTime, channel, socket, python.handle(), instances::remove,
          null), where);
    } catch (UncheckedIOException e) {
      python.close();
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
  }

  private PythonProcess startFresh(ProcessBuilder builder, String id, Path socket, String where) {
    try {
      return PythonProcess.start(launcher, "instance-" + id, builder, settings.startTimeout());
    } catch (ProcessStartException e) {
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
  }

  private Instance register(Instance instance, String where) {
    if (!instances.add(instance)) {
      instance.close();
      throw new ForkFailedException(where + ": the zygote manager was closed");
    }
    return instance;
  }

  private void requireOpen(String operation) {
    if (closed.get()) {
      throw new ForkFailedException(operation + ": the zygote manager is closed");
    }
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
    List<Instance> handedOut = instances.snapshot();
    instances.closeAll();
    zygotes.closeAll();
    awaitExit(handedOut);
    launcher.close();
    sockets.close();
  }

  /** Waits (bounded) for killed instances so that callers can rely on them being gone after close(). */
  private static void awaitExit(List<Instance> killed) {
    List<ProcessHandle> processes = killed.stream().flatMap(i -> i.process().stream()).toList();
    List<ProcessHandle> running = Liveness.awaitGone(processes, EXIT_WAIT);
    if (!running.isEmpty()) {
      LOG.warn("close zygote manager: instances {} still running {} after SIGKILL", running, EXIT_WAIT);
    }
  }
}
