package dev.sockeye.executor;

import java.time.Duration;

/**
 * Lifecycle events of the executor, for metrics. The executor calls these on its worker and timer
 * threads, so implementations must be thread-safe and must not block; a listener that throws is
 * logged and ignored. This module does not depend on any metrics library: the service implements
 * this interface with Micrometer.
 */
public interface ExecutorListener {
  /** Does nothing: the default until {@link Executor#listen} is called. */
  ExecutorListener NONE = new ExecutorListener() {};

  /** A new instance of {@code function} is ready to run work; {@code took} covers its sandbox and fork. */
  default void instanceStarted(String function, StartKind kind, Duration took) {}

  /** An instance's sandbox was built (mounts, cgroup, namespaces). */
  default void sandboxCreated(Duration took) {}

  /** An instance's sandbox was torn down (kill, unmount, cgroup recycled). */
  default void sandboxDestroyed(Duration took) {}

  /** A fork chose the zygote it forks from. */
  default void zygoteLookup(ZygoteLookup result) {}
}
