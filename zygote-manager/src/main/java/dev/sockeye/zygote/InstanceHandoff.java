package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.process.Liveness;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.protocol.WireFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a forked child into an {@link Instance} the manager hands out: connects to it, waits for its readiness
 * frame, and registers it so close() can kill it. Owns the watchdog thread "sockeye-fork-watchdog", which kills
 * a child that never gets ready; everything else runs on the forking caller's thread. The registry synchronises
 * itself; the id counter is atomic.
 */
final class InstanceHandoff implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(InstanceHandoff.class);
  private static final Duration EXIT_WAIT = Duration.ofSeconds(2);

  private final Duration startTimeout;
  private final Registry<Instance> instances = new Registry<>();
  private final AtomicLong counter = new AtomicLong();
  private final ScheduledExecutorService watchdog = watchdog();
  private final dev.sockeye.zygote.output.OutputHub output; // drains every forked instance's own output pipes
  private final java.util.Map<String, Long> outputCaps = new java.util.concurrent.ConcurrentHashMap<>(); // bytes

  InstanceHandoff(Duration startTimeout, dev.sockeye.zygote.output.OutputHub output) {
    this.startTimeout = startTimeout;
    this.output = output;
  }

  /** Sets the most output one invocation of {@code function} keeps, for instances forked later. */
  void limitOutput(String function, long bytesPerInvocation) {
    if (bytesPerInvocation < 1) {
      throw new IllegalArgumentException("output cap of " + function + " must be >= 1 byte, was " + bytesPerInvocation);
    }
    outputCaps.put(function, bytesPerInvocation);
  }

  /** New stdout/stderr pipes for instance {@code n} of {@code spec}; their write ends travel with its fork. */
  dev.sockeye.zygote.output.OutputCapture openOutput(InstanceSpec spec, long n) {
    return output.open(spec.function(), spec.version(), spec.function() + "-" + n,
        outputCaps.getOrDefault(spec.function(), dev.sockeye.zygote.output.OutputHub.DEFAULT_INVOCATION_BYTES));
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

  /** The number of the next instance: names its socket and its id. */
  long nextNumber() {
    return counter.incrementAndGet();
  }

  /** An unsandboxed child forked on request: connects to the socket it listens on. */
  Instance connectForked(String id, long pid, Duration forkTime, Path socket, String where,
      dev.sockeye.zygote.output.OutputCapture out) {
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
   * Connects and reads the instance's first frame: {@code {"ready":true}} once it is inside its sandbox with
   * privileges dropped, or {@code {"error":...}} if it could not get there. An instance that sends neither within
   * the start timeout is killed, which ends the wait with EOF. The instance is registered before it is returned.
   */
  Instance awaitReady(String id, long pid, Duration forkTime, Path socket, String where, SandboxHandle box,
      dev.sockeye.zygote.output.OutputCapture out) {
    ProcessHandle process = ProcessHandle.of(pid).orElse(null);
    SocketChannel channel = null;
    ScheduledFuture<?> timeout = null;
    Instance instance;
    try {
      channel = UnixSockets.connect(socket, "instance " + id + " (pid " + pid + ")");
      SocketChannel connected = channel;
      timeout = watchdog.schedule(() -> {
        if (process != null) {
          process.destroyForcibly();
        }
        UnixSockets.closeQuietly(connected);
      }, startTimeout.toMillis(), TimeUnit.MILLISECONDS);
      Frame first = Frames.read(channel);
      if (!first.header().path("ready").asBoolean(false)) {
        throw new IOException(first.header().path("error").asText("unexpected first frame " + first.header()));
      }
      timeout.cancel(false);
      instance = new Instance(id, pid, forkTime, channel, socket, process, instances::remove, box, out);
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
      String why = e instanceof EOFException || e instanceof ClosedChannelException
          ? "the instance exited before it was ready (or was not ready within " + startTimeout + ")"
          : e.getMessage();
      throw new ForkFailedException(where + ": " + why, e);
    }
    return register(instance, where);
  }

  /** Registers an instance started some other way (a fresh interpreter); closes it if the manager is closed. */
  Instance register(Instance instance, String where) {
    if (!instances.add(instance)) {
      instance.close();
      throw new ForkFailedException(where + ": the zygote manager was closed");
    }
    return instance;
  }

  /** The removal callback an instance calls when it closes. */
  java.util.function.Consumer<Instance> unregister() {
    return instances::remove;
  }

  /** SIGKILLs every instance handed out (the registry refuses new ones from now on); returns them. */
  List<Instance> killAll() {
    List<Instance> handedOut = instances.snapshot();
    instances.closeAll();
    return handedOut;
  }

  /** Waits (bounded) for killed instances so that callers can rely on them being gone after close(). */
  static void awaitExit(List<Instance> killed) {
    List<ProcessHandle> processes = killed.stream().flatMap(i -> i.process().stream()).toList();
    List<ProcessHandle> running = Liveness.awaitGone(processes, EXIT_WAIT);
    if (!running.isEmpty()) {
      LOG.warn("close zygote manager: instances {} still running {} after SIGKILL", running, EXIT_WAIT);
    }
  }

  /** Stops the watchdog; call after {@link #killAll()}. Idempotent. */
  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
