package dev.sockeye.zygote.output;

import dev.sockeye.zygote.output.HandlerOutput.Origin;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains every instance's output pipes on one thread ({@code sockeye-output}) with poll(2) and one fixed buffer,
 * reading at most one buffer per ready pipe per round, so a handler writing without pause neither blocks (its
 * pipe is always read) nor starves the others. Memory is bounded by the caps, whatever the output's shape.
 *
 * <p>Threads: the output thread owns the poll set ({@code active}); other threads post captures to
 * {@code added}/{@code released} and wake it through a pipe. The sink is volatile and may be replaced any time.
 */
public final class OutputHub implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputHub.class);
  private static final Logger HANDLER_LOG = LoggerFactory.getLogger("dev.sockeye.handler");
  /** Defaults of the caps (function.yaml's logs_max_kb sets the per-invocation cap per function). */
  public static final int DEFAULT_LINE_BYTES = 16 * 1024;
  public static final long DEFAULT_INVOCATION_BYTES = 256 * 1024;
  private static final int READ_BYTES = 64 * 1024;
  private static final int COALESCE_BELOW_BYTES = 8 * 1024;
  private static final long COALESCE_NANOS = 1_000_000;

  private final Clock clock;
  private final int lineBytes;
  private final int[] wake = OutputLibc.openPipe("waking the output thread");
  private final Queue<OutputCapture> added = new ConcurrentLinkedQueue<>();
  private final Queue<OutputCapture> released = new ConcurrentLinkedQueue<>();
  private final List<OutputCapture> active = new ArrayList<>(); // output thread only
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread thread;
  private volatile OutputSink sink = OutputHub::log;

  public OutputHub(Clock clock, int lineBytes) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lineBytes = lineBytes;
    int flags = OutputLibc.INSTANCE.fcntl(wake[1], OutputLibc.F_GETFL, 0);
    OutputLibc.INSTANCE.fcntl(wake[1], OutputLibc.F_SETFL, flags | OutputLibc.O_NONBLOCK); // a full wake pipe is awake enough
    this.thread = new Thread(this::run, "sockeye-output");
    thread.setDaemon(true);
    thread.start();
  }

  /** Until a sink is set, handler output goes to the service log (logger dev.sockeye.handler), still bounded. */
  private static void log(HandlerOutput output) {
    if (output instanceof HandlerOutput.Line line) {
      HANDLER_LOG.info("[{} {} {}] {}{}", line.origin().instance(), line.origin().keys(), line.stream(), line.text(),
          line.cut() ? " [line cut, continues]" : "");
    } else if (output instanceof HandlerOutput.Truncated t) {
      HANDLER_LOG.info("[{} {}] output truncated: {} bytes past the {}-byte cap dropped", t.origin().instance(),
          t.origin().keys(), t.droppedBytes(), t.capBytes());
    }
  }

  /** Where output goes from now on; it must never block. */
  public void sinkTo(OutputSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  OutputSink sink() {
    return sink;
  }

  /** New pipes for an instance of {@code function}; the caller sends {@link OutputCapture#writeFds()} with its fork. */
  public OutputCapture open(String function, String version, String instance, long invocationCapBytes) {
    int[] out = OutputLibc.openPipe("stdout of " + instance);
    int[] err;
    try {
      err = OutputLibc.openPipe("stderr of " + instance);
    } catch (RuntimeException e) {
      OutputLibc.INSTANCE.close(out[0]);
      OutputLibc.INSTANCE.close(out[1]);
      throw e;
    }
    OutputCapture capture = new OutputCapture(this, clock, new Origin(function, version, instance, List.of()), out, err,
        lineBytes, invocationCapBytes);
    if (closed.get()) {
      capture.closeWriteEnds();
      capture.closeReadEnds();
      throw new IllegalStateException("capture output of " + instance + ": the output thread is closed");
    }
    added.add(capture);
    wakeUp();
    return capture;
  }

  void release(OutputCapture capture) {
    if (closed.get()) {
      capture.closeReadEnds();
      return;
    }
    released.add(capture);
    wakeUp();
  }

  private void wakeUp() {
    OutputLibc.INSTANCE.write(wake[1], new byte[1], 1);
  }

  private void run() {
    ReadBuffer buffer = new ReadBuffer(READ_BYTES);
    List<OutputCapture> polled = new ArrayList<>();
    List<Integer> streams = new ArrayList<>();
    try {
      while (!closed.get()) {
        applyChanges();
        polled.clear();
        streams.clear();
        for (OutputCapture c : active) {
          for (int s = 0; s < 2; s++) {
            if (c.pollable(s)) {
              polled.add(c);
              streams.add(s);
            }
          }
        }
        byte[] fds = pollFds(polled, streams);
        int ready = OutputLibc.INSTANCE.poll(fds, polled.size() + 1, -1);
        if (ready < 0) {
          continue; // EINTR
        }
        ByteBuffer view = ByteBuffer.wrap(fds).order(ByteOrder.LITTLE_ENDIAN);
        if (view.getShort(6) != 0) {
          while (buffer.read(wake[0]) > 0) {
            // drained: the changes are applied at the top of the loop
          }
        }
        long read = 0;
        for (int i = 0; i < polled.size(); i++) {
          if (view.getShort(8 * (i + 1) + 6) != 0) {
            read += Math.max(0, polled.get(i).readOnce(streams.get(i), buffer));
          }
        }
        if (read > 0 && read < COALESCE_BELOW_BYTES) {
          // Handlers printing a line at a time would wake this thread per write (print() writes the text and the
          // newline apart); a millisecond lets their lines gather in the pipes. A writer that fills reads never
          // waits, and attribution does not depend on this thread (an invocation's end drains its pipes itself).
          LockSupport.parkNanos(COALESCE_NANOS);
        }
        active.removeIf(c -> {
          boolean done = !c.pollable(0) && !c.pollable(1);
          if (done) {
            c.closeReadEnds();
          }
          return done;
        });
      }
    } catch (RuntimeException | Error e) {
      LOG.error("the output thread stopped: {}", e.toString(), e);
    } finally {
      active.forEach(OutputCapture::closeReadEnds);
    }
  }

  private byte[] pollFds(List<OutputCapture> polled, List<Integer> streams) {
    ByteBuffer b = ByteBuffer.allocate(8 * (polled.size() + 1)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(wake[0]).putShort(OutputLibc.POLLIN).putShort((short) 0);
    for (int i = 0; i < polled.size(); i++) {
      b.putInt(polled.get(i).readFd(streams.get(i))).putShort(OutputLibc.POLLIN).putShort((short) 0);
    }
    return b.array();
  }

  private void applyChanges() {
    for (OutputCapture c; (c = added.poll()) != null; ) {
      active.add(c);
    }
    for (OutputCapture c; (c = released.poll()) != null; ) {
      active.remove(c);
      c.closeReadEnds();
    }
  }

  /** Stops the thread and closes every capture's read ends. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    wakeUp();
    try {
      thread.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (OutputCapture c; (c = added.poll()) != null; ) {
      c.closeReadEnds();
    }
    for (OutputCapture c; (c = released.poll()) != null; ) {
      c.closeReadEnds();
    }
    OutputLibc.INSTANCE.close(wake[0]);
    OutputLibc.INSTANCE.close(wake[1]);
  }
}
