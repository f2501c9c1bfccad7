package dev.sockeye.zygote.process;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Starts processes from one long-lived thread. Linux delivers PR_SET_PDEATHSIG when the parent
 * <em>thread</em> exits, not the parent process, so a zygote started from a short-lived caller thread would
 * be SIGKILLed as soon as that thread ended. The launcher thread (its only mutable state) lives until
 * {@link #close()}; {@link #start} may be called from any thread.
 */
public final class ProcessLauncher implements AutoCloseable {
  private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
    Thread t = new Thread(runnable, "sockeye-process-launcher");
    t.setDaemon(true);
    return t;
  });

  /** Starts {@code builder} on the launcher thread; {@code what} names the process in error messages. */
  public Process start(ProcessBuilder builder, String what) {
    try {
      return thread.submit(builder::start).get();
    } catch (ExecutionException e) {
      throw new ProcessStartException("start " + what + " (" + String.join(" ", builder.command()) + "): "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessStartException("start " + what + ": interrupted while waiting for the launcher", e);
    } catch (RejectedExecutionException e) {
      throw new ProcessStartException("start " + what + ": the launcher is closed", e);
    }
  }

  /** Idempotent. */
  @Override
  public void close() {
    thread.shutdownNow();
  }
}
