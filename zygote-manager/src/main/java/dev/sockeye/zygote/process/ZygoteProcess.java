package dev.sockeye.zygote.process;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkRequest;
import dev.sockeye.zygote.protocol.ForkZygoteRequest;
import dev.sockeye.zygote.protocol.ZygoteStatus;
import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.protocol.WireFormatException;
import dev.sockeye.zygote.protocol.ZygoteCodec;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running zygote and the one control connection the JVM keeps to it. A root zygote is the JVM's own
 * child ({@link PythonProcess}); a child zygote was forked by another zygote and is known by its pid only.
 * Requests are not thread-safe: the caller serialises them. {@link #close()} may be called from any
 * thread; it wakes a blocked request, which then fails with {@link ZygoteUnavailableException}.
 */
public final class ZygoteProcess implements AutoCloseable {
  private final String name;
  private final PythonProcess python; // null for a zygote forked by another zygote
  private final ProcessHandle handle;
  private final Path socket;
  private final FdSocket channel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AutoCloseable sandbox; // null when unsandboxed; closed after the process has exited
  private final ArrayDeque<Spare> spares = new ArrayDeque<>(); // guarded by itself

  private ZygoteProcess(String name, PythonProcess python, ProcessHandle handle, Path socket, FdSocket channel,
      AutoCloseable sandbox) {
    this.sandbox = sandbox;
    this.name = name;
    this.python = python;
    this.handle = handle;
    this.socket = socket;
    this.channel = channel;
  }

  /** Starts the zygote described by {@code builder}, which must listen on {@code socket}, and connects to it. */
  public static ZygoteProcess start(ProcessLauncher launcher, String name, ProcessBuilder builder, Path socket,
      Duration startTimeout, AutoCloseable sandbox) {
    PythonProcess python = PythonProcess.start(launcher, "zygote-" + name, builder, startTimeout);
    try {
      return new ZygoteProcess(name, python, python.handle(), socket, FdSocket.connect(socket, "zygote " + name), sandbox);
    } catch (IOException e) {
      python.close();
      UnixSockets.deleteQuietly(socket);
      throw new ProcessStartException("start zygote " + name + " (pid " + python.pid() + "): " + e.getMessage(), e);
    }
  }

  /**
   * Connects to a zygote that {@code parent} forked (pid {@code pid}, listening on {@code socket}). The
   * connection is accepted once the child has finished its imports, so the returned status is final.
   */
  public static ZygoteProcess adopt(String name, long pid, Path socket) {
    ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
    if (handle == null) {
      UnixSockets.deleteQuietly(socket);
      throw new ProcessStartException("adopt zygote " + name + " (pid " + pid + "): it has already exited");
    }
    try {
      // A child zygote lives in its parent's sandbox, which the parent's process owns.
      return new ZygoteProcess(name, null, handle, socket, FdSocket.connect(socket, "zygote " + name), null);
    } catch (IOException e) {
      handle.destroyForcibly();
      UnixSockets.deleteQuietly(socket);
      throw new ProcessStartException("adopt zygote " + name + " (pid " + pid + "): " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  /** The root of the sandbox it runs in, as the host sees it; null when unsandboxed. */
  public Path hostRoot() {
    return sandbox instanceof SandboxHandle box ? box.hostRoot() : null;
  }

  public long pid() {
    return handle.pid();
  }

  public boolean isAlive() {
    return !closed.get() && Liveness.isRunning(handle);
  }

  /** Asks the zygote to fork a child zygote; a broken connection becomes {@link ZygoteUnavailableException}. */
  public ForkReply forkZygote(ForkZygoteRequest request) {
    return ZygoteCodec.decodeFork(exchange(ZygoteCodec.encodeForkZygote(request), "fork zygote " + request.name()));
  }

  /** What the zygote holds imported and what that cost; waits for a new child zygote's imports. */
  public ZygoteStatus status() {
    return ZygoteCodec.decodePing(exchange(ZygoteCodec.encodePing(), "ping"));
  }

  /** Imports more modules into the zygote; returns its new status. */
  public ZygoteStatus importModules(List<String> modules) {
    return ZygoteCodec.decodePing(exchange(ZygoteCodec.encodeImport(modules), "import " + modules));
  }

  /** Sets the pages the zygote's children copy right after fork; returns how many pages that is. */
  public long hotPages(List<long[]> runs, List<long[]> readRuns) {
    return ZygoteCodec.decodeHotPages(exchange(ZygoteCodec.encodeHotPages(runs, readRuns), "hot_pages"));
  }

  /** Asks the zygote to fork; a broken connection becomes {@link ZygoteUnavailableException}. */
  public ForkReply fork(ForkRequest request) {
    return fork(request, List.of());
  }

  /** As {@link #fork(ForkRequest)}, sending the instance's output pipes ({@code outputFds}: stdout, stderr) along. */
  public ForkReply fork(ForkRequest request, List<Integer> outputFds) {
    if (request.sandbox() != null) {
      throw new IllegalArgumentException("fork " + request.function() + ": a sandboxed fork needs its listener");
    }
    Frame frame = ZygoteCodec.encodeFork(request);
    List<Integer> fds = new ArrayList<>();
    ZygoteCodec.attachOutput(frame, fds, outputFds);
    if (fds.isEmpty()) {
      return ZygoteCodec.decodeFork(exchange(frame, "fork " + request.function()));
    }
    try {
      channel.sendWithFds(Frames.encode(frame), fds);
      return ZygoteCodec.decodeFork(Frames.read(channel));
    } catch (IOException e) {
      throw unavailable("fork " + request.function(), e);
    }
  }

  /**
   * Asks the zygote to fork into {@code request.sandbox()}; the sandbox's descriptors and the instance's
   * listening socket {@code listenerFd} travel with the request. The reply comes right after the fork: the
   * instance reports its readiness on the listener's first connection.
   */
  public ForkReply forkSandboxed(ForkRequest request, int listenerFd) {
    return forkSandboxed(request, listenerFd, List.of());
  }

  /** As above, sending the instance's output pipes ({@code outputFds}: stdout, stderr) along. */
  public ForkReply forkSandboxed(ForkRequest request, int listenerFd, List<Integer> outputFds) {
    try {
      Frame frame = ZygoteCodec.encodeFork(request);
      List<Integer> fds = ZygoteCodec.forkFds(request.sandbox(), listenerFd);
      ZygoteCodec.attachOutput(frame, fds, outputFds);
      channel.sendWithFds(Frames.encode(frame), fds);
      return ZygoteCodec.decodeFork(Frames.read(channel));
    } catch (IOException e) {
      throw unavailable("fork " + request.function(), e);
    }
  }

  /**
   * Asks the zygote to fork {@code count} spares (sandboxed ones are PID 1 of their own PID namespace and
   * expect a sandboxed fork request) and pools them here. A broken connection becomes
   * {@link ZygoteUnavailableException}.
   */
  public void forkSpares(int count, boolean sandboxed) {
    List<Spare> made = new ArrayList<>();
    try {
      Frames.write(channel, ZygoteCodec.encodeSpares(count, sandboxed));
      Frame reply = Frames.read(channel);
      List<Long> pids;
      try {
        pids = ZygoteCodec.decodeSpares(reply);
      } catch (WireFormatException e) {
        throw new ZygoteUnavailableException("spares from zygote " + name + ": " + e.getMessage(), e);
      }
      List<Integer> fds = pids.isEmpty() ? List.of() : channel.receiveFds(pids.size());
      for (int i = 0; i < fds.size(); i++) {
        made.add(new Spare(pids.get(i), FdSocket.adopt(fds.get(i), "spare " + pids.get(i) + " of zygote " + name)));
      }
    } catch (IOException e) {
      made.forEach(Spare::close);
      throw unavailable("spares", e);
    }
    synchronized (spares) {
      if (closed.get()) {
        made.forEach(Spare::close);
      } else {
        spares.addAll(made);
      }
    }
  }

  /** The oldest pooled spare, if any; the caller owns it. */
  public Optional<Spare> takeSpare() {
    synchronized (spares) {
      return Optional.ofNullable(spares.pollFirst());
    }
  }

  /** How many spares are pooled now. */
  public int spareCount() {
    synchronized (spares) {
      return spares.size();
    }
  }

  /** The pooled spares now, still pooled (the manager waits for them to be prepared when asked to settle). */
  public List<Spare> pooledSpares() {
    synchronized (spares) {
      return List.copyOf(spares);
    }
  }

  /**
   * Lets every pooled spare exit: they were forked before the zygote imported more or learned hot pages, so an
   * instance made from them would redo that work.
   */
  public void discardSpares() {
    List<Spare> old;
    synchronized (spares) {
      old = List.copyOf(spares);
      spares.clear();
    }
    old.forEach(Spare::close);
  }

  /** The modules the zygote preloaded; also proves it is serving. */
  public List<String> ping() {
    return status().preloaded();
  }

  private Frame exchange(Frame request, String operation) {
    try {
      Frames.write(channel, request);
      return Frames.read(channel);
    } catch (IOException e) {
      throw unavailable(operation, e);
    }
  }

  private ZygoteUnavailableException unavailable(String operation, IOException e) {
    return new ZygoteUnavailableException(operation + " from zygote " + name + " (pid " + pid() + "): "
        + describe(e) + (python == null ? "" : "; stderr tail: " + python.stderrTail()), e);
  }

  private String describe(IOException e) {
    if (e instanceof EOFException) {
      return "zygote closed the socket";
    }
    if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
      return "the zygote connection was closed";
    }
    return e.toString();
  }

  /** Closes the connection, terminates the zygote (its instances follow via PDEATHSIG) and deletes its socket. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    UnixSockets.closeQuietly(channel);
    discardSpares();
    if (python != null) {
      python.close();
    } else {
      handle.destroyForcibly(); // its own instances and child zygotes follow via PDEATHSIG
    }
    UnixSockets.deleteQuietly(socket);
    UnixSockets.closeQuietly(sandbox);
  }
}
