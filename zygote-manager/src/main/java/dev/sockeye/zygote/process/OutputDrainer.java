package dev.sockeye.zygote.process;

import dev.sockeye.zygote.output.LineAssembler;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Copies one output pipe of a Python process to slf4j, line by line, on its own daemon thread, until EOF.
 * Processes a zygote forks inherit its pipes (instances get pipes of their own, but a zygote's children and
 * whatever they fork may still write here), so this must keep draining for as long as any writer lives or they
 * would block on a full pipe. It reads in fixed chunks and cuts lines at {@link #MAX_LINE_BYTES}: a writer with no
 * newlines cannot make it hold more. The drainer thread owns the reader; the stderr tail is guarded by
 * {@code this} because error messages read it from other threads.
 */
final class OutputDrainer implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.sockeye.zygote.python");
  private static final Pattern READY = Pattern.compile("READY (\\d+)");
  private static final int TAIL_LINES = 20;
  static final int MAX_LINE_BYTES = 16 * 1024;
  /** A tail line is kept shorter than a logged one: error messages quote all twenty. */
  private static final int MAX_TAIL_CHARS = 1024;

  private final String source;
  private final InputStream in;
  private final Level level;
  private final CompletableFuture<Long> ready;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Thread thread;

  private OutputDrainer(String threadName, InputStream in, Level level, CompletableFuture<Long> ready) {
    this.source = threadName;
    this.in = in;
    this.level = level;
    this.ready = ready;
    this.thread = new Thread(this, threadName);
    thread.setDaemon(true);
  }

  /** Starts draining; when {@code ready} is non-null it completes with the pid of the first {@code READY <pid>} line. */
  static OutputDrainer start(String threadName, InputStream in, Level level, CompletableFuture<Long> ready) {
    OutputDrainer drainer = new OutputDrainer(threadName, in, level, ready);
    drainer.thread.start();
    return drainer;
  }

  @Override
  public void run() {
    LineAssembler lines = new LineAssembler(MAX_LINE_BYTES);
    LineAssembler.Emit emit = (bytes, length, cut) ->
        accept(new String(bytes, 0, length, StandardCharsets.UTF_8) + (cut ? " [line cut, continues]" : ""));
    byte[] chunk = new byte[8192];
    try (in) {
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        lines.feed(chunk, 0, n, emit);
      }
      lines.flush(emit);
    } catch (IOException | RuntimeException e) {
      LOG.debug("[{}] stopped draining: {}", source, e.toString());
    } finally {
      if (ready != null) {
        ready.completeExceptionally(new EOFException(source + " reached end of stream before READY"));
      }
    }
  }

  private void accept(String line) {
    if (ready != null && !ready.isDone()) {
      Matcher m = READY.matcher(line);
      if (m.matches()) {
        ready.complete(Long.parseLong(m.group(1)));
        return;
      }
    }
    remember(line);
    LOG.atLevel(level).log("[{}] {}", source, line);
  }

  private synchronized void remember(String line) {
    if (tail.size() == TAIL_LINES) {
      tail.removeFirst();
    }
    tail.addLast(line.length() > MAX_TAIL_CHARS ? line.substring(0, MAX_TAIL_CHARS) + "..." : line);
  }

  /** The last lines seen, joined with " | ", for error messages. */
  synchronized String tail() {
    return tail.isEmpty() ? "(empty)" : String.join(" | ", tail);
  }

  /** Waits up to {@code timeout} for EOF so that {@link #tail()} is complete; true if the stream ended. */
  boolean awaitEnd(Duration timeout) {
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
