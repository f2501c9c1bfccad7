package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.sandbox.SandboxProvider;
import dev.sockeye.zygote.output.OutputCapture;
import dev.sockeye.zygote.output.OutputHub;
import dev.sockeye.zygote.process.Liveness;
import dev.sockeye.zygote.process.PageMap;
import dev.sockeye.zygote.process.ProcessLauncher;
import dev.sockeye.zygote.process.ProcessStartException;
import dev.sockeye.zygote.process.PythonProcess;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.Spare;
import dev.sockeye.zygote.process.UnixListener;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.process.ZygoteUnavailableException;
import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkRequest;
import dev.sockeye.zygote.protocol.ForkZygoteRequest;
import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.protocol.WireFormatException;
import dev.sockeye.zygote.protocol.ZygoteCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every zygote and every instance it hands out. The JVM never forks instances itself: it starts root
 * zygotes (Python processes that pre-import modules), asks zygotes to fork child zygotes that import more,
 * and asks zygotes to fork instances.
 *
 * <p>Threads: any thread may call any method. {@code roots} is guarded by {@code rootsLock}; each zygote
 * serialises the requests on its own connection; the registries synchronise themselves; counters and the
 * closed flag are atomic.
 */
public final class ZygoteManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ZygoteManager.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(2);
  /**
   * Spares kept per zygote that forks instances (SOCKEYE_SPARES, 0 = fork on demand): children forked ahead of
   * demand that the JVM sends a fork request directly, so the zygote is off the request's path.
   */
  static final int SPARES = Integer.parseInt(System.getenv().getOrDefault("SOCKEYE_SPARES", "2"));
  /** The most spares one contended fork asks its zygote for at once (see forkFromBatch). */
  static final int MAX_BATCH = 8;
  /** The tenant of functions that name none. */
  public static final String DEFAULT_TENANT = "";

  private final ZygoteSettings settings;
  private final Clock clock;
  private final RuntimeScript runtime;
  private final SocketDirectory sockets;
  private final ProcessLauncher launcher = new ProcessLauncher();
  private final Registry<Instance> instances = new Registry<>();
  private final Registry<ZygoteProcess> zygotes = new Registry<>();
  private final AtomicLong instanceCounter = new AtomicLong();
  private final AtomicLong zygoteCounter = new AtomicLong();
  private final AtomicLong batchedSpares = new AtomicLong(); // spares forked by forkFromBatch, for tests
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ReentrantLock rootsLock = new ReentrantLock();
  private final Map<String, Zygote> roots = new HashMap<>(); // guarded by rootsLock
  private final SandboxProvider sandboxes; // null: zygotes run unsandboxed
  private final OutputHub output; // drains every forked instance's own stdout and stderr pipes
  private final Map<String, Long> outputCaps = new java.util.concurrent.ConcurrentHashMap<>(); // function -> bytes
  private final ScheduledExecutorService watchdog = watchdog(); // kills sandboxed instances that never get ready
  // Reads instances' pagemaps off the fork and invoke paths; a learning that finds its instance gone is skipped.
  private final ExecutorService learner = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "zygote-hot-pages");
    t.setDaemon(true);
    return t;
  });
  // Asks zygotes for spares off the fork path; a zygote that died meanwhile is skipped.
  private final ExecutorService spareFiller = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "zygote-spares");
    t.setDaemon(true);
    return t;
  });

  /** Extracts sockeye_runtime.py into the work directory; starts nothing yet. Zygotes run unsandboxed. */
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
    this.sandboxes = sandboxes;
    // Sockets first: a workDir too long for sun_path is rejected before anything is written to disk.
    this.sockets = SocketDirectory.create(settings.workDir().resolve("s"));
    this.runtime = RuntimeScript.extract(settings.python(), settings.workDir());
    this.output = new OutputHub(clock, OutputHub.DEFAULT_LINE_BYTES);
  }

  /** Drains forked instances' stdout and stderr; its sink says where the lines go (the service log by default). */
  public OutputHub output() {
    return output;
  }

  /** The most output one invocation of {@code function} keeps (function.yaml's logs_max_kb); for instances forked later. */
  public void limitOutput(String function, long bytesPerInvocation) {
    if (bytesPerInvocation < 1) {
      throw new IllegalArgumentException("output cap of " + function + " must be >= 1 byte, was " + bytesPerInvocation);
    }
    outputCaps.put(function, bytesPerInvocation);
  }

  private OutputCapture openOutput(InstanceSpec spec, long n) {
    return output.open(spec.function(), spec.version(), spec.function() + "-" + n,
        outputCaps.getOrDefault(spec.function(), OutputHub.DEFAULT_INVOCATION_BYTES));
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
      closeSandbox(spec);
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
      return forkOnce(first, spec);
    } catch (ZygoteDiedException e) {
      LOG.warn("{}; discarding it and retrying the fork of {} once", e.getMessage(), spec.function());
      discard(first); // it may not look dead yet (not reaped), but its connection is gone
      died.accept(first);
    }
    try {
      return forkOnce(choose.get(), spec);
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

  private static void closeSandbox(InstanceSpec spec) {
    if (spec.sandbox() != null) {
      spec.sandbox().close();
    }
  }

  private static ScheduledExecutorService watchdog() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sockeye-fork-watchdog");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true); // a cancelled timeout (the usual case) leaves nothing queued
    return executor;
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
        root = startRoot(tenant);
        roots.put(tenant, root);
      }
      return root;
    } finally {
      rootsLock.unlock();
    }
  }

  private Zygote startRoot(String tenant) {
    String name = tenant.isEmpty() ? "root" : "root-" + tenant;
    ZygoteProcess process = sandboxes == null ? startUnsandboxed(name) : startSandboxed(name);
    Zygote zygote = register(name, tenant, null, process, process.hostRoot());
    LOG.info("zygote {} started (pid {}, preloaded {})", name, zygote.pid(), settings.preloadModules());
    return zygote;
  }

  private ZygoteProcess startUnsandboxed(String name) {
    Path socket = sockets.socket("z" + zygoteCounter.getAndIncrement());
    ProcessBuilder builder = new ProcessBuilder(runtime.zygote(socket, settings.preloadModules()))
        .directory(settings.workDir().toFile());
    return startProcess(name, builder, socket, null);
  }

  /** The zygote enters its own sandbox (root, cgroups, empty network namespace) before it imports anything. */
  private ZygoteProcess startSandboxed(String name) {
    SandboxHandle box = sandboxes.zygoteSandbox();
    try {
      Path socket = UnixSockets.requireShortEnough(box.hostRoot().resolve("host/z.sock"));
      ProcessBuilder builder = new ProcessBuilder(runtime.sandboxedZygote(box, settings.preloadModules()))
          .directory(box.hostRoot().toFile());
      return startProcess(name, builder, socket, box);
    } catch (RuntimeException e) {
      box.close();
      throw e;
    }
  }

  private ZygoteProcess startProcess(String name, ProcessBuilder builder, Path socket, SandboxHandle box) {
    try {
      return ZygoteProcess.start(launcher, name, builder, socket, settings.startTimeout(), box);
    } catch (ProcessStartException e) {
      throw new ForkFailedException("zygote " + name + " did not start: " + e.getMessage(), e);
    }
  }

  /**
   * Blocking: forks a child of {@code parent} that appends {@code sysPath} to its {@code sys.path} and
   * imports {@code modules}; returns once the imports are done. Modules that fail to import are left out
   * and listed in {@link Zygote#failedModules()}. Throws {@link ZygoteDiedException} if the parent is gone.
   */
  public Zygote startChild(Zygote parent, List<String> sysPath, List<String> modules) {
    long n = zygoteCounter.getAndIncrement();
    String name = parent.name() + "." + n;
    requireOpen("start zygote " + name);
    // In a sandbox the zygote sees its scratch at /host; the JVM reaches the same file through the host root.
    Path inside = parent.hostRoot() == null ? sockets.socket("z" + n) : Path.of("/host/z" + n + ".sock");
    Path socket = parent.hostRoot() == null ? inside
        : UnixSockets.requireShortEnough(parent.hostRoot().resolve("host/z" + n + ".sock"));
    String where = "start zygote " + name + " from " + parent;
    ForkReply reply;
    try {
      reply = parent.request(p -> p.forkZygote(new ForkZygoteRequest(name, inside, sysPath, modules)));
    } catch (ZygoteUnavailableException e) {
      UnixSockets.deleteQuietly(socket);
      throw new ZygoteDiedException(where + ": " + e.getMessage(), e);
    }
    if (reply instanceof ForkReply.Refused refused) {
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + refused.error());
    }
    ZygoteProcess process;
    try {
      process = ZygoteProcess.adopt(name, ((ForkReply.Forked) reply).pid(), socket);
    } catch (ProcessStartException e) {
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    }
    Zygote zygote = register(name, parent.tenant(), parent, process, parent.hostRoot());
    LOG.info("zygote {} started from {} (pid {}, imported {}, failed {})", name, parent.name(), zygote.pid(),
        zygote.importMicros().keySet(), zygote.failedModules().keySet());
    return zygote;
  }

  private Zygote register(String name, String tenant, Zygote parent, ZygoteProcess process, Path hostRoot) {
    if (!zygotes.add(process)) {
      process.close();
      throw new ForkFailedException("start zygote " + name + ": the zygote manager was closed");
    }
    try {
      return new Zygote(name, tenant, parent, process, process.status(), hostRoot);
    } catch (ZygoteUnavailableException e) {
      stopProcess(process);
      throw new ForkFailedException("start zygote " + name + ": " + e.getMessage(), e);
    }
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
    stopProcess(zygote.process());
  }

  private void stopProcess(ZygoteProcess process) {
    zygotes.remove(process);
    process.close();
  }

  /**
   * Blocking: forks an instance from {@code zygote}. Throws {@link ZygoteDiedException} if the zygote is
   * gone (the caller may rebuild it and retry), {@link ForkFailedException} for other failures. The spec's
   * sandbox, if any, is owned by the returned instance; if this throws it stays the caller's.
   */
  public Instance fork(Zygote zygote, InstanceSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return forkOnce(zygote, spec);
  }

  private Instance forkOnce(Zygote zygote, InstanceSpec spec) {
    requireOpen("fork " + spec.function());
    boolean spareKind = (spec.sandbox() != null) == (zygote.hostRoot() != null);
    Instance spared = spareKind ? forkFromSpare(zygote, spec) : null;
    if (spared == null && spareKind && SPARES > 0) {
      spared = forkFromBatch(zygote, spec);
    }
    Instance instance = spared != null ? spared
        : spec.sandbox() == null ? zygote.request(process -> forkOn(process, spec)) : forkSandboxed(zygote, spec);
    if (spareKind) {
      refillLater(zygote);
    }
    if (zygote.hotPages().claimLearning()) {
      instance.whenFirstReplied(reply -> learnLater(zygote, instance));
    }
    return instance;
  }

  /**
   * Sends the request straight to one of the zygote's spares (the zygote is not involved); null when none is
   * pooled. A spare found dead is skipped. If the spare dies before it is ready and the zygote is gone too, the
   * failure is a {@link ZygoteDiedException}, so the caller restarts the zygote and retries.
   */
  private Instance forkFromSpare(Zygote zygote, InstanceSpec spec) {
    while (true) {
      Spare spare = zygote.process().takeSpare().orElse(null);
      if (spare == null) {
        return null;
      }
      Instance instance = useSpare(zygote, spare, spec);
      if (instance != null) {
        return instance;
      }
    }
  }

  /** The instance made from {@code spare} (closed here), or null when the spare was dead before the request. */
  private Instance useSpare(Zygote zygote, Spare spare, InstanceSpec spec) {
    try (spare) {
      return sendToSpare(zygote, spare, spec);
    } catch (ForkFailedException e) {
      if (!zygote.isAlive() && !(e instanceof ZygoteDiedException)) {
        throw new ZygoteDiedException(e.getMessage() + " (its zygote died)", e);
      }
      throw e;
    }
  }

  /**
   * When other forks wait on the zygote behind this one, asks it for a spare for this fork and one for each of
   * them in a single request; each of them then finds its spare pooled once it holds the zygote. Under
   * sustained load every fork used to be its own request, and between two forks the zygote wrote ~120-170
   * pages its children still shared (decoding, replying), each a copy-on-write fault; in one batch the forks
   * come back to back. Null (fork on demand) when nobody waits: that path is one round trip shorter.
   */
  private Instance forkFromBatch(Zygote zygote, InstanceSpec spec) {
    Spare spare;
    try {
      spare = zygote.request(p -> {
        Spare pooled = p.takeSpare().orElse(null);
        int behind = zygote.queueLength() - 1; // the queue length counts this holder
        if (pooled != null || behind <= 0) {
          return pooled;
        }
        int batch = Math.min(MAX_BATCH, 1 + behind);
        p.forkSpares(batch, zygote.hostRoot() != null);
        batchedSpares.addAndGet(batch);
        return p.takeSpare().orElse(null);
      });
    } catch (ZygoteUnavailableException e) {
      throw new ZygoteDiedException(e.getMessage(), e);
    }
    return spare == null ? null : useSpare(zygote, spare, spec);
  }

  /** The instance, or null when the spare was dead before it got the request. */
  private Instance sendToSpare(Zygote zygote, Spare spare, InstanceSpec spec) {
    long n = instanceCounter.incrementAndGet();
    SandboxHandle box = spec.sandbox();
    Path socket = instanceSocket(spec, n);
    ForkRequest request = forkRequest(spec, socket);
    String where = "fork " + spec.function() + " from " + zygote + " through " + spare;
    Instant start = clock.instant();
    OutputCapture out = openOutput(spec, n);
    try (UnixListener listener = UnixListener.bind(socket)) { // the spare holds its own copy once sent
      Frame frame = ZygoteCodec.encodeSpareFork(request);
      List<Integer> fds = new ArrayList<>(box == null ? List.of(listener.fd()) : ZygoteCodec.forkFds(box, listener.fd()));
      ZygoteCodec.attachOutput(frame, fds, out.writeFds());
      spare.send(frame, fds);
    } catch (IOException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      LOG.debug("{}: the spare is gone ({}); trying another", where, e.toString());
      return null;
    } finally {
      out.closeWriteEnds();
    }
    Duration forkTime = Duration.between(start, clock.instant());
    return register(awaitReady(spec.function() + "-" + n, spare.pid(), forkTime, socket, where, box, out), where);
  }

  /** Keeps {@link #SPARES} spares pooled for {@code zygote}, asking it for more in the background. */
  private void refillLater(Zygote zygote) {
    if (SPARES <= 0 || !zygote.claimRefill()) {
      return;
    }
    try {
      spareFiller.execute(() -> refill(zygote));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void refill(Zygote zygote) {
    zygote.refillClaimed();
    int missing = SPARES - zygote.process().spareCount();
    // Forks waiting on the zygote come first (as SOCK's zygote refills when idle): under a burst the spares
    // would be taken before they are prepared anyway. The next fork asks again.
    if (missing <= 0 || !zygote.isAlive() || closed.get() || zygote.queueLength() > 0) {
      return;
    }
    try {
      zygote.request(p -> {
        p.forkSpares(missing, zygote.hostRoot() != null);
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("{}: no spares this time: {}", zygote, e.toString());
    }
  }

  /** How many spares contended forks asked for in batches so far (see forkFromBatch). */
  long batchedSpares() {
    return batchedSpares.get();
  }

  /**
   * Blocking, for benchmarks that measure a service in steady state: returns once {@code zygote}'s spares have
   * been forked and have finished preparing.
   */
  public void awaitSpares(Zygote zygote) {
    try {
      spareFiller.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
      return;
    }
    zygote.process().pooledSpares().forEach(Spare::awaitPrepared);
  }

  /**
   * After an instance's first event, reads which of its zygote's pages it copied and tells the zygote, so
   * its later children copy those pages in bulk right after fork instead of one fault at a time.
   */
  private void learnLater(Zygote zygote, Instance instance) {
    try {
      learner.execute(() -> learnHotPages(zygote, instance));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Blocking: returns once every hot-page learning queued so far has finished (benchmarks warm up with it). */
  public void awaitLearning() {
    try {
      learner.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | RejectedExecutionException e) {
      // nothing was learning
    }
  }

  private void learnHotPages(Zygote zygote, Instance instance) {
    try {
      PageMap.Touched copied = PageMap.touchedPages(instance.pid(), zygote.pid(), HotPages.MAX_PAGES,
          HotPages.MAX_READ_PAGES);
      if (!instance.isAlive()) {
        zygote.hotPages().unclaim(); // it may have exited half-way through the read: learn from a later one
        return;
      }
      PageMap.Touched hot = zygote.hotPages().add(copied);
      if (hot != null && zygote.isAlive()) {
        long n = zygote.request(p -> {
          p.discardSpares(); // forked before the learning: they would fault page by page
          return p.hotPages(PageMap.runs(hot.written(), HotPages.MAX_GAP), PageMap.runs(hot.read(), HotPages.MAX_GAP));
        });
        refillLater(zygote);
        LOG.debug("{}: its children now copy {} hot pages at once", zygote, n);
      }
    } catch (IOException | RuntimeException e) {
      zygote.hotPages().unclaim();
      LOG.debug("{}: could not learn hot pages from {}: {}", zygote, instance, e.toString());
    }
  }

  private Instance forkOn(ZygoteProcess zygote, InstanceSpec spec) {
    long n = instanceCounter.incrementAndGet();
    Path socket = instanceSocket(spec, n);
    String where = "fork " + spec.function() + " from zygote " + zygote.name() + " (pid " + zygote.pid() + ")";
    OutputCapture out = openOutput(spec, n);
    try {
      Instant start = clock.instant();
      ForkReply reply;
      try {
        reply = zygote.fork(forkRequest(spec, socket), out.writeFds());
      } finally {
        out.closeWriteEnds();
      }
      if (reply instanceof ForkReply.Refused refused) {
        throw new ForkFailedException(where + ": " + refused.error());
      }
      Duration forkTime = Duration.between(start, clock.instant());
      return connectForked(spec.function() + "-" + n, ((ForkReply.Forked) reply).pid(), forkTime, socket, where, out);
    } catch (ZygoteUnavailableException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ZygoteDiedException(e.getMessage(), e);
    } catch (RuntimeException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw e;
    }
  }

  /** Where the instance listens, as the host sees it: in the service's socket directory, or in its sandbox's /host. */
  private Path instanceSocket(InstanceSpec spec, long n) {
    SandboxHandle box = spec.sandbox();
    return box == null ? sockets.socket("i" + n) : UnixSockets.requireShortEnough(box.hostRoot().resolve("host/sock"));
  }

  /** A sandboxed instance sees its code at /handler and its socket at /host/sock; an unsandboxed one, the host's paths. */
  private static ForkRequest forkRequest(InstanceSpec spec, Path socket) {
    return spec.sandbox() == null
        ? new ForkRequest(spec.function(), spec.version(), spec.codeDir(), socket, spec.env(), spec.sysPath(), null)
        : new ForkRequest(spec.function(), spec.version(), Path.of("/handler"), Path.of("/host/sock"), spec.env(),
            spec.sysPath(), spec.sandbox());
  }

  private Instance connectForked(String id, long pid, Duration forkTime, Path socket, String where,
      OutputCapture out) {
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
    return register(new Instance(id, pid, forkTime, channel, socket, process, instances::remove, null, out), where);
  }

  /**
   * A sandboxed fork holds the zygote only for the fork itself (the zygote replies right after fork()); entering
   * the sandbox and dropping privileges happen in the child while this thread waits on the child's readiness
   * frame, so forks from one zygote overlap. The JVM makes the instance's listening socket, so it can connect
   * before the child exists.
   */
  private Instance forkSandboxed(Zygote zygote, InstanceSpec spec) {
    long n = instanceCounter.incrementAndGet();
    SandboxHandle box = spec.sandbox();
    Path socket = instanceSocket(spec, n);
    String where = "fork " + spec.function() + " from " + zygote;
    ForkRequest request = forkRequest(spec, socket);
    Instant start = clock.instant();
    ForkReply reply;
    OutputCapture out = openOutput(spec, n);
    try (UnixListener listener = UnixListener.bind(socket)) { // closed after the reply: the child holds it then
      reply = zygote.request(process -> process.forkSandboxed(request, listener.fd(), out.writeFds()));
    } catch (ZygoteUnavailableException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ZygoteDiedException(e.getMessage(), e);
    } catch (IOException e) {
      out.close();
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    } finally {
      out.closeWriteEnds();
    }
    if (reply instanceof ForkReply.Refused refused) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + refused.error());
    }
    long pid = ((ForkReply.Forked) reply).pid();
    Duration forkTime = Duration.between(start, clock.instant());
    return register(awaitReady(spec.function() + "-" + n, pid, forkTime, socket, where, box, out), where);
  }

  /**
   * Connects and reads the instance's first frame: {@code {"ready":true}} once it is inside its sandbox with
   * privileges dropped, or {@code {"error":...}} if it could not get there. An instance that sends neither within
   * the start timeout is killed, which ends the wait with EOF.
   */
  private Instance awaitReady(String id, long pid, Duration forkTime, Path socket, String where, SandboxHandle box,
      OutputCapture out) {
    ProcessHandle process = ProcessHandle.of(pid).orElse(null);
    SocketChannel channel = null;
    ScheduledFuture<?> timeout = null;
    try {
      channel = UnixSockets.connect(socket, "instance " + id + " (pid " + pid + ")");
      SocketChannel connected = channel;
      timeout = watchdog.schedule(() -> {
        if (process != null) {
          process.destroyForcibly();
        }
        UnixSockets.closeQuietly(connected);
      }, settings.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
      Frame first = Frames.read(channel);
      if (!first.header().path("ready").asBoolean(false)) {
        throw new IOException(first.header().path("error").asText("unexpected first frame " + first.header()));
      }
      timeout.cancel(false);
      return new Instance(id, pid, forkTime, channel, socket, process, instances::remove, box, out);
    } catch (IOException | UncheckedIOException | WireFormatException e) {
      out.close();
      if (timeout != null) {
        timeout.cancel(false);
      }
      if (process != null) {
        process.destroyForcibly();
      }
      UnixSockets.closeQuietly(channel);
      UnixSockets.deleteQuietly(socket);
      String why = e instanceof java.io.EOFException || e instanceof java.nio.channels.ClosedChannelException
          ? "the instance exited before it was ready (or was not ready within " + settings.startTimeout() + ")"
          : e.getMessage();
      throw new ForkFailedException(where + ": " + why, e);
    }
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
    learner.shutdownNow();
    spareFiller.shutdownNow();
    output.close();
    launcher.close();
    sockets.close();
    watchdog.shutdownNow();
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
