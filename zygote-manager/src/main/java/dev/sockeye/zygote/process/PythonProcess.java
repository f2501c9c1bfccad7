package dev.sockeye.zygote.process;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.event.Level;

/**
 * A started Python runtime process (zygote or fresh instance) that has printed {@code READY <pid>}, with
 * its stdout and stderr drained for its whole life. Immutable after start apart from the closed flag, so
 * any thread may query or close it.
 */
public final class PythonProcess implements AutoCloseable {
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final String name;
  private final Process process;
  private final OutputDrainer stderr;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PythonProcess(String name, Process process, OutputDrainer stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
  }

  /**
   * Starts {@code builder} and waits up to {@code timeout} for its READY line. Drainer threads are named
   * {@code <name>-out} and {@code <name>-err}.
   */
  public static PythonProcess start(ProcessLauncher launcher, String name, ProcessBuilder builder, Duration timeout) {
    Process process = launcher.start(builder, name);
    CompletableFuture<Long> ready = new CompletableFuture<>();
    OutputDrainer.start(name + "-out", process.getInputStream(), Level.INFO, ready);
    PythonProcess python = new PythonProcess(name, process,
        OutputDrainer.start(name + "-err", process.getErrorStream(), Level.WARN, null));
    python.awaitReady(ready, timeout);
    return python;
  }

  private void awaitReady(CompletableFuture<Long> ready, Duration timeout) {
    try {
      ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      close();
      throw new ProcessStartException("start " + name + " (pid " + pid() + "): no READY line within " + timeout
          + "; stderr tail: " + stderr.tail());
    } catch (ExecutionException e) {
      stderr.awaitEnd(Duration.ofSeconds(1));
      String status = exitStatus();
      close();
      throw new ProcessStartException("start " + name + " (pid " + pid() + "): exited (" + status
          + ") before READY; stderr tail: " + stderr.tail());
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new ProcessStartException("start " + name + ": interrupted while waiting for READY", e);
    }
  }

  private String exitStatus() {
    try {
      return process.waitFor(1, TimeUnit.SECONDS) ? "status " + process.exitValue() : "still running";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown status";
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines the process wrote to stderr. */
  public String stderrTail() {
    return stderr.tail();
  }

  /** SIGTERM, then SIGKILL if it is still alive after 2 s; returns once the process is reaped. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    process.destroy();
    if (!waitFor(GRACE)) {
      process.destroyForcibly();
      waitFor(GRACE);
    }
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
