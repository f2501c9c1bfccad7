package dev.sockeye.executor;

import dev.sockeye.sandbox.SandboxHandle;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A sandbox handle that reports how long its teardown took. Delegates everything; {@link #close()} is
 * idempotent like the handle it wraps and reports once. Thread-safe as the wrapped handle is.
 */
final class TimedSandbox implements SandboxHandle {
  private final SandboxHandle box;
  private final ExecutorListener listener;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();

  TimedSandbox(SandboxHandle box, ExecutorListener listener, Clock clock) {
    this.box = box;
    this.listener = listener;
    this.clock = clock;
  }

  @Override public Path hostRoot() { return box.hostRoot(); }
  @Override public int rootFd() { return box.rootFd(); }
  @Override public List<Integer> cgroupProcsFds() { return box.cgroupProcsFds(); }
  @Override public List<Path> cgroupProcsPaths() { return box.cgroupProcsPaths(); }
  @Override public int netnsFd() { return box.netnsFd(); }
  @Override public int uid() { return box.uid(); }
  @Override public Duration setupTime() { return box.setupTime(); }
  @Override public void freeze() { box.freeze(); }
  @Override public void thaw() { box.thaw(); }
  @Override public long memoryBytes() { return box.memoryBytes(); }
  @Override public boolean outOfMemory() { return box.outOfMemory(); }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      box.close();
      return;
    }
    Instant start = clock.instant();
    box.close();
    Listeners.quietly(() -> listener.sandboxDestroyed(Duration.between(start, clock.instant())));
  }
}
