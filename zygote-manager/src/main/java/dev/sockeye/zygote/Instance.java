package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.output.OutputCapture;
import dev.sockeye.zygote.process.Liveness;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.protocol.InvokeCodec;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.WireEvent;
import dev.sockeye.zygote.protocol.WireFormatException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One handler instance (a forked or fresh Python process) and the socket the JVM invokes it over.
 *
 * <p>Threads: {@link #invoke} is used by one thread at a time (a second concurrent caller gets
 * IllegalStateException); that thread owns the channel's reads and writes. {@link #kill()}, {@link #close()}
 * and {@link #isAlive()} may be called from any thread: the only other mutable state is the volatile death
 * reason and the closed flag, and kill() closes the channel so that a blocked invoke wakes up.
 */
public final class Instance implements AutoCloseable {
  private final String id;
  private final long pid;
  private final Duration forkTime;
  private final SocketChannel channel;
  private final Path socket;
  private final ProcessHandle process;
  private final Consumer<Instance> onClose;
  private final SandboxHandle sandbox; // null: unsandboxed; owned by this instance, closed after the kill
  private final OutputCapture output; // null: the instance writes to its zygote's (or its own process's) pipes
  private final ReentrantLock invoking = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String deathReason;
  private volatile Consumer<InvokeReply> firstReply; // taken (set to null) by the first successful invoke

  /** {@code process} is null when the instance had already exited by the time its pid was looked up. */
  Instance(String id, long pid, Duration forkTime, SocketChannel channel, Path socket, ProcessHandle process,
      Consumer<Instance> onClose, SandboxHandle sandbox) {
    this(id, pid, forkTime, channel, socket, process, onClose, sandbox, null);
  }

  /** As above; {@code output} (null: none) captures the instance's stdout and stderr and is owned by it. */
  Instance(String id, long pid, Duration forkTime, SocketChannel channel, Path socket, ProcessHandle process,
      Consumer<Instance> onClose, SandboxHandle sandbox, OutputCapture output) {
    this.output = output;
    this.sandbox = sandbox;
    this.id = id;
    this.pid = pid;
    this.forkTime = forkTime;
    this.channel = channel;
    this.socket = socket;
    this.process = process;
    this.onClose = onClose;
  }

  public String id() {
    return id;
  }

  public long pid() {
    return pid;
  }

  /** Fork request sent to pid received (forked), or spawn to socket connected (fresh). */
  public Duration forkTime() {
    return forkTime;
  }

  /**
   * Runs the handler on every event of {@code request} and returns one result per event. Blocking; one call
   * at a time. Throws {@link InstanceCrashedException} if the instance died, was killed or closed the socket.
   */
  public InvokeReply invoke(InvokeRequest request) {
    Objects.requireNonNull(request, "request");
    if (!invoking.tryLock()) {
      throw new IllegalStateException("invoke " + request.function() + " on instance " + id
          + ": another invoke is in progress; an instance serves one call at a time");
    }
    try {
      if (deathReason != null) {
        throw crashed(request, null);
      }
      // Encoding happens before any I/O: a request over the frame limit fails here and the instance stays usable.
      Frame frame = InvokeCodec.encode(request);
      InvokeReply reply;
      if (output == null) {
        reply = decode(exchange(frame, request), request);
      } else {
        // What the instance writes from here to its reply is this invocation's (the runtime flushes first).
        output.begin(request.events().stream().map(WireEvent::idempotencyKey).toList());
        try {
          reply = decode(exchange(frame, request), request);
        } finally {
          output.end();
        }
      }
      Consumer<InvokeReply> listener = firstReply;
      if (listener != null) {
        firstReply = null;
        try {
          listener.accept(reply);
        } catch (RuntimeException e) {
          // learning from the reply is best effort; the invocation succeeded
        }
      }
      return reply;
    } finally {
      invoking.unlock();
    }
  }

  private Frame exchange(Frame frame, InvokeRequest request) {
    try {
      Frames.write(channel, frame);
      return Frames.read(channel);
    } catch (IOException e) {
      markDead(describe(e));
      throw crashed(request, e);
    } catch (WireFormatException e) {
      markDead("protocol violation: " + e.getMessage());
      throw crashed(request, e);
    }
  }

  private InvokeReply decode(Frame reply, InvokeRequest request) {
    try {
      return InvokeCodec.decode(reply, request);
    } catch (WireFormatException e) {
      markDead("protocol violation: " + e.getMessage());
      throw crashed(request, e);
    }
  }

  private static String describe(IOException e) {
    if (e instanceof EOFException) {
      return "instance closed the socket (it exited or crashed)";
    }
    if (e instanceof AsynchronousCloseException || e instanceof ClosedChannelException) {
      return "the instance socket was closed";
    }
    return e.toString();
  }

  /** Records why the instance is unusable (the first reason wins), kills it and closes the channel. */
  private void markDead(String reason) {
    synchronized (this) {
      if (deathReason == null) {
        deathReason = reason;
      }
    }
    if (process != null) {
      process.destroyForcibly();
    }
    UnixSockets.closeQuietly(channel);
  }

  private InstanceCrashedException crashed(InvokeRequest request, Throwable cause) {
    return new InstanceCrashedException("invoke " + request.function() + " on instance " + id + " (pid " + pid
        + "): " + deathReason, cause);
  }

  /**
   * Runs {@code listener} on the invoking thread after the first successful invoke (it must be quick). A
   * second listener runs after the first.
   */
  public void whenFirstReplied(Consumer<InvokeReply> listener) {
    Consumer<InvokeReply> current = firstReply;
    firstReply = current == null ? listener : current.andThen(listener);
  }

  /** SIGKILL now; callable from any thread. A concurrent invoke fails promptly with InstanceCrashedException. */
  public void kill() {
    markDead("instance was killed");
  }

  public boolean isAlive() {
    return deathReason == null && process != null && Liveness.isRunning(process);
  }

  /** The sandbox the instance runs in; empty when unsandboxed. */
  public Optional<SandboxHandle> sandbox() {
    return Optional.ofNullable(sandbox);
  }

  /** The capture of the instance's stdout and stderr; empty when it writes to a process's own pipes. */
  public Optional<OutputCapture> output() {
    return Optional.ofNullable(output);
  }

  /** The process, or empty if it had already exited when its pid was looked up. */
  Optional<ProcessHandle> process() {
    return Optional.ofNullable(process);
  }

  /**
   * Kills the instance, closes its socket and deletes the socket file, then tears its sandbox down (which kills
   * whatever the handler left running). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    kill();
    if (output != null) {
      output.close(); // what the instance wrote before it died is still read and reported first
    }
    UnixSockets.deleteQuietly(socket);
    if (sandbox != null) {
      sandbox.close();
    }
    onClose.accept(this);
  }

  @Override
  public String toString() {
    return "Instance[" + id + ", pid " + pid + "]";
  }
}
