package dev.sockeye.zygote.output;

import dev.sockeye.zygote.output.HandlerOutput.Line;
import dev.sockeye.zygote.output.HandlerOutput.Origin;
import dev.sockeye.zygote.output.HandlerOutput.Stream;
import dev.sockeye.zygote.output.HandlerOutput.Truncated;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * One instance's stdout and stderr: a pipe per stream whose write ends go to the instance (SCM_RIGHTS, dup2'd
 * onto 1 and 2), and whose read ends the {@link OutputHub}'s thread drains. Output is attributed to a window: the
 * invocation between {@link #begin} and {@link #end}, or the instance between invocations. Each window keeps at
 * most its byte cap (the rest is read, counted and reported as {@link Truncated}); lines are cut at the line cap.
 *
 * <p>Threads: all state is guarded by {@code lock}. The hub's thread reads on readiness; the invoking thread
 * calls begin/end (end drains the pipes itself, without waiting: the runtime flushes before it replies, so the
 * invocation's output is in the pipes by then); close may come from any thread and hands the read ends back to
 * the hub, which closes them on its own thread (a descriptor closed under a running poll could be reused).
 */
public final class OutputCapture implements AutoCloseable {
  /** The most an invocation's end reads from each pipe: a writer that never stops cannot hold the invoker. */
  private static final int END_DRAIN_BYTES = 256 * 1024;
  private static final ThreadLocal<ReadBuffer> END_BUFFER = ThreadLocal.withInitial(() -> new ReadBuffer(16 * 1024));

  private final Object lock = new Object();
  private final OutputHub hub;
  private final Clock clock;
  private final Origin instanceOrigin;
  private final int[] readFds; // guarded by lock; -1 once closed
  private final int[] writeFds; // the JVM's copies, closed once sent
  private final boolean[] ended = new boolean[2]; // guarded by lock: EOF seen
  private final LineAssembler[] lines;
  private final long capBytes;
  private Origin current; // guarded by lock
  private long windowBytes; // guarded by lock
  private long droppedBytes; // guarded by lock
  private boolean closed; // guarded by lock

  OutputCapture(OutputHub hub, Clock clock, Origin instance, int[] stdout, int[] stderr, int lineBytes, long capBytes) {
    this.hub = hub;
    this.clock = clock;
    this.instanceOrigin = instance;
    this.current = instance;
    this.readFds = new int[] {stdout[0], stderr[0]};
    this.writeFds = new int[] {stdout[1], stderr[1]};
    this.lines = new LineAssembler[] {new LineAssembler(lineBytes), new LineAssembler(lineBytes)};
    this.capBytes = capBytes;
  }

  /** The write ends {stdout, stderr}, to send with the fork request. */
  public List<Integer> writeFds() {
    return List.of(writeFds[0], writeFds[1]);
  }

  /** Closes the JVM's copies of the write ends once the instance holds its own; idempotent. */
  public void closeWriteEnds() {
    synchronized (writeFds) {
      for (int i = 0; i < 2; i++) {
        if (writeFds[i] >= 0) {
          OutputLibc.INSTANCE.close(writeFds[i]);
          writeFds[i] = -1;
        }
      }
    }
  }

  /** The origin of an invocation of this instance with {@code keys}. */
  public Origin origin(List<String> keys) {
    return new Origin(instanceOrigin.function(), instanceOrigin.version(), instanceOrigin.instance(), keys);
  }

  /** Output from now on belongs to the invocation of {@code keys}; what the instance wrote before is reported. */
  public void begin(List<String> keys) {
    synchronized (lock) {
      // A line the instance had begun is not cut here: print() writes the text and its newline separately, and
      // the newline may come after the invocation began. It completes in, and is reported with, the invocation.
      closeWindow(false);
      current = origin(keys);
    }
  }

  /** The invocation replied (or died): drains what its pipes hold, reports it, and returns to the instance window. */
  public void end() {
    synchronized (lock) {
      ReadBuffer buffer = END_BUFFER.get();
      for (int s = 0; s < 2; s++) {
        for (int read = 0; read < END_DRAIN_BYTES; ) {
          int n = readLocked(s, buffer);
          if (n <= 0) {
            break;
          }
          read += n;
        }
      }
      closeWindow(true); // the runtime flushed before replying: an open line here ended without a newline
      current = instanceOrigin;
    }
  }

  /** Sends a record about this instance (an invocation's report) to the sink. */
  public void publish(HandlerOutput output) {
    hub.sink().accept(output);
  }

  /** On the hub's thread: reads once from {@code stream}; the bytes read, or -1 at end of file (or once closed). */
  int readOnce(int stream, ReadBuffer buffer) {
    synchronized (lock) {
      return readLocked(stream, buffer);
    }
  }

  /** Bytes read (0: nothing now), or -1 at end of file or after close. */
  private int readLocked(int stream, ReadBuffer buffer) {
    if (closed || ended[stream]) {
      return -1;
    }
    long n;
    do {
      n = buffer.read(readFds[stream]);
    } while (n < 0 && OutputLibc.errno() == OutputLibc.EINTR);
    if (n < 0) {
      return OutputLibc.errno() == OutputLibc.EAGAIN ? 0 : endOf(stream);
    }
    if (n == 0) {
      return endOf(stream);
    }
    accept(stream, buffer.bytes, (int) n);
    return (int) n;
  }

  private int endOf(int stream) {
    ended[stream] = true;
    lines[stream].flush((b, len, cut) -> emit(stream, b, len, cut));
    return -1;
  }

  private void accept(int stream, byte[] data, int n) {
    long room = Math.max(0, capBytes - windowBytes);
    windowBytes += n;
    int kept = (int) Math.min(n, room);
    if (kept > 0) {
      lines[stream].feed(data, 0, kept, (b, len, cut) -> emit(stream, b, len, cut));
    }
    droppedBytes += n - kept;
  }

  private void emit(int stream, byte[] bytes, int length, boolean cut) {
    String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
    hub.sink().accept(new Line(current, clock.instant(), stream == 0 ? Stream.STDOUT : Stream.STDERR, text, cut));
  }

  /** Reports what the window dropped (and, with {@code flushLines}, its open lines), then starts an empty one. */
  private void closeWindow(boolean flushLines) {
    for (int s = 0; s < 2 && flushLines; s++) {
      int stream = s;
      lines[s].flush((b, len, cut) -> emit(stream, b, len, cut));
    }
    if (droppedBytes > 0) {
      hub.sink().accept(new Truncated(current, clock.instant(), droppedBytes, capBytes));
    }
    windowBytes = 0;
    droppedBytes = 0;
  }

  /** True while the hub should poll {@code stream}. */
  boolean pollable(int stream) {
    synchronized (lock) {
      return !closed && !ended[stream];
    }
  }

  int readFd(int stream) {
    return readFds[stream];
  }

  /** On the hub's thread (or after it stopped): reports what is left and closes the read ends. Idempotent. */
  void closeReadEnds() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closeWindow(true);
      closed = true;
      for (int s = 0; s < 2; s++) {
        OutputLibc.INSTANCE.close(readFds[s]);
        readFds[s] = -1;
      }
    }
  }

  /** Stops capturing: the hub closes the read ends on its thread. Idempotent; callable from any thread. */
  @Override
  public void close() {
    closeWriteEnds();
    hub.release(this);
  }

  @Override
  public String toString() {
    return "output of " + instanceOrigin.instance();
  }
}
