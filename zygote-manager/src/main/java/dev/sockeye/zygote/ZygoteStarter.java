package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.sandbox.SandboxProvider;
import dev.sockeye.zygote.process.ProcessLauncher;
import dev.sockeye.zygote.process.ProcessStartException;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.process.ZygoteUnavailableException;
import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkZygoteRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts zygotes (roots as Python processes, in a sandbox of their own when there is a {@link SandboxProvider};
 * children forked by their parent) and registers them so close() can stop them. Runs on the caller's thread;
 * the registry synchronises itself and the name counter is atomic.
 */
final class ZygoteStarter {
  private static final Logger LOG = LoggerFactory.getLogger(ZygoteStarter.class);

  private final ZygoteSettings settings;
  private final RuntimeScript runtime;
  private final SocketDirectory sockets;
  private final ProcessLauncher launcher;
  private final SandboxProvider sandboxes; // null: zygotes run unsandboxed
  private final Registry<ZygoteProcess> zygotes = new Registry<>();
  private final AtomicLong counter = new AtomicLong();

  ZygoteStarter(ZygoteSettings settings, RuntimeScript runtime, SocketDirectory sockets, ProcessLauncher launcher,
      SandboxProvider sandboxes) {
    this.settings = settings;
    this.runtime = runtime;
    this.sockets = sockets;
    this.launcher = launcher;
    this.sandboxes = sandboxes;
  }

  /** Blocking: a new root zygote for {@code tenant}. */
  Zygote startRoot(String tenant) {
    String name = tenant.isEmpty() ? "root" : "root-" + tenant;
    ZygoteProcess process = sandboxes == null ? startUnsandboxed(name) : startSandboxed(name);
    Zygote zygote = register(name, tenant, null, process, process.hostRoot());
    LOG.info("zygote {} started (pid {}, preloaded {})", name, zygote.pid(), settings.preloadModules());
    return zygote;
  }

  private ZygoteProcess startUnsandboxed(String name) {
    Path socket = sockets.socket("z" + counter.getAndIncrement());
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
   * Blocking: see {@link ZygoteManager#startChild}. {@code requireOpen} is called with the operation's name
   * before anything starts.
   */
  Zygote startChild(Zygote parent, List<String> sysPath, List<String> modules, Consumer<String> requireOpen) {
    long n = counter.getAndIncrement();
    String name = parent.name() + "." + n;
    requireOpen.accept("start zygote " + name);
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
      stop(process);
      throw new ForkFailedException("start zygote " + name + ": " + e.getMessage(), e);
    }
  }

  /** Stops a zygote process (its instances and child zygotes die with it) and forgets it. Idempotent. */
  void stop(ZygoteProcess process) {
    zygotes.remove(process);
    process.close();
  }

  /** Every zygote process running now. */
  List<ZygoteProcess> running() {
    return zygotes.snapshot();
  }

  /** Terminates every zygote; later starts are refused. */
  void stopAll() {
    zygotes.closeAll();
  }
}
