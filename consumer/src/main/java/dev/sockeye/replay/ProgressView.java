package dev.sockeye.replay;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a replay's {@link Progress}: on a terminal a bar redrawn in place (done/total, rate, ETA,
 * OK/ERROR counts), otherwise a plain line every few seconds, and a summary at the end. Runs its
 * own daemon thread "replay-progress", the only writer of {@code out} while it runs.
 */
final class ProgressView implements AutoCloseable {
  private static final int BAR = 30;

  private final Progress progress;
  private final PrintStream out;
  private final boolean tty;
  private final long intervalMs;
  private final Thread thread;
  private volatile boolean running = true;
  private long lastDone = -1;
  private long lastMs;
  private double rate; // events/s, smoothed

  ProgressView(Progress progress, PrintStream out, boolean tty, long intervalMs) {
    this.progress = progress;
    this.out = out;
    this.tty = tty;
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::loop, "replay-progress");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  private void loop() {
    while (running) {
      java.util.concurrent.locks.LockSupport.parkNanos(intervalMs * 1_000_000L);
      if (running) {
        draw(progress.snapshot());
      }
    }
  }

  private void draw(Progress.Snapshot s) {
    if (lastDone >= 0 && s.elapsedMs() > lastMs) {
      double now = (s.done() - lastDone) * 1000.0 / (s.elapsedMs() - lastMs);
      rate = rate == 0 ? now : 0.7 * rate + 0.3 * now;
    }
    lastDone = s.done();
    lastMs = s.elapsedMs();
    String line = line(s, rate, tty);
    if (tty) {
      out.print("\r" + line + "\u001b[K");
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** One progress line; the bar only on a terminal. */
  static String line(Progress.Snapshot s, double rate, boolean bar) {
    double fraction = s.total() == 0 ? 1 : (double) s.done() / s.total();
    String eta = rate > 0 ? duration((long) ((s.total() - s.done()) / rate * 1000)) : "?";
    String counts = String.format(Locale.ROOT, "OK %,d  ERROR %,d", s.count(Progress.Status.OK),
        s.byStatus().entrySet().stream().filter(e -> e.getKey() != Progress.Status.OK).mapToLong(e -> e.getValue()).sum());
    String text = String.format(Locale.ROOT, "%,d/%,d (%3.0f%%)  %,.0f/s  ETA %s  %s", s.done(), s.total(), fraction * 100, rate, eta, counts);
    if (!bar) {
      return "replay: " + text;
    }
    int filled = (int) Math.round(fraction * BAR);
    return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + text;
  }

  /** The final summary: counts by status, dead letters, wall time and events/s of this run. */
  static String summary(Progress.Snapshot s, long deliveredNow, String outcome) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "replay %s: %,d of %,d records delivered in %s (%,.0f events/s)%n", outcome, s.done(), s.total(),
        duration(s.elapsedMs()), deliveredNow * 1000.0 / Math.max(1, s.elapsedMs())));
    StringBuilder statuses = new StringBuilder();
    s.byStatus().forEach((status, n) -> statuses.append(String.format(Locale.ROOT, "  %s %,d", status, n)));
    b.append("  by status:").append(statuses).append(System.lineSeparator());
    b.append(String.format(Locale.ROOT, "  dead letters: %,d", s.deadLetters()));
    return b.toString();
  }

  static String duration(long ms) {
    long secs = ms / 1000;
    return secs >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60)
        : secs >= 60 ? String.format(Locale.ROOT, "%d:%02d", secs / 60, secs % 60)
        : String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
  }

  /** Stops redrawing and ends the bar's line. Idempotent. */
  @Override
  public void close() {
    if (running) {
      running = false;
      thread.interrupt();
      java.util.concurrent.locks.LockSupport.unpark(thread);
      try {
        thread.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (tty) {
        draw(progress.snapshot());
        out.println();
      }
    }
  }
}
