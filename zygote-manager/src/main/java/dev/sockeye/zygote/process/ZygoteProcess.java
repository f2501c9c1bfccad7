package dev.sockeye.zygote.process;

import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkRequest;
import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.protocol.ZygoteCodec;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A running zygote and the one control connection the JVM keeps to it. Requests are not thread-safe: the
 * caller (ZygoteManager, under its fork lock) serialises them. {@link #close()} may be called from any
 * thread; it wakes a blocked request, which then fails with {@link ZygoteUnavailableException}.
 */
public final class ZygoteProcess implements AutoCloseable {
  private final String name;
  private final PythonProcess python;
  private final Path socket;
  private final FdSocket channel;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AutoCloseable sandbox; // null when unsandboxed; closed after the process has exited

  private ZygoteProcess(String name, PythonProcess python, Path socket, FdSocket channel, AutoCloseable sandbox) {
    this.sandbox = sandbox;
    this.name = name;
    this.python = python;
    this.socket = socket;
    this.channel = channel;
  }

  /** Starts the zygote described by {@code builder}, which must listen on {@code socket}, and connects to it. */
  public static ZygoteProcess start(ProcessLauncher launcher, String name, ProcessBuilder builder, Path socket,
      Duration startTimeout, AutoCloseable sandbox) {
    PythonProcess python = PythonProcess.start(launcher, "zygote-" + name, builder, startTimeout);
    try {
      return new ZygoteProcess(name, python, socket, FdSocket.connect(socket, "zygote " + name), sandbox);
    } catch (IOException e) {
      python.close();
      UnixSockets.deleteQuietly(socket);
      throw new ProcessStartException("start zygote " + name + " (pid " + python.pid() + "): " + e.getMessage(), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return python.pid();
  }

  public boolean isAlive() {
    return !closed.get() && python.isAlive();
  }

  /** Asks the zygote to fork; a broken connection becomes {@link ZygoteUnavailableException}. */
  public ForkReply fork(ForkRequest request) {
    String operation = "fork " + request.function();
    Frame frame = ZygoteCodec.encodeFork(request);
    if (request.sandbox() == null) {
      return ZygoteCodec.decodeFork(exchange(frame, operation));
    }
    try {
      channel.sendWithFds(Frames.encode(frame), ZygoteCodec.forkFds(request.sandbox()));
      return ZygoteCodec.decodeFork(Frames.read(channel));
    } catch (IOException e) {
      throw unavailable(operation, e);
    }
  }

  /** The modules the zygote preloaded; also proves it is serving. */
  public List<String> ping() {
    Frame reply = exchange(ZygoteCodec.encodePing(), "ping");
    List<String> modules = new ArrayList<>();
    reply.header().path("preloaded").forEach(m -> modules.add(m.asText()));
    return modules;
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
        + describe(e) + "; stderr tail: " + python.stderrTail(), e);
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
    python.close();
    UnixSockets.deleteQuietly(socket);
    UnixSockets.closeQuietly(sandbox);
  }
}
