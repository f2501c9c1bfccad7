package dev.sockeye.executor;

/**
 * How running a function on one event ended. A handler's failure is an outcome, never an exception
 * of ours.
 */
public sealed interface InvocationOutcome {
  StartKind startKind();

  Timings timings();

  /** The handler returned; {@code output} is JSON or the bytes it returned. */
  record Succeeded(byte[] output, String contentType, StartKind startKind, Timings timings)
      implements InvocationOutcome {}

  /** The handler raised, could not be loaded, or its instance crashed; {@code traceback} is Python's, or "". */
  record Failed(String errorType, String errorMessage, StartKind startKind, Timings timings, String traceback)
      implements InvocationOutcome {
    /** Without a traceback (a crash, a timeout of a batch item, a record that did not decode). */
    public Failed(String errorType, String errorMessage, StartKind startKind, Timings timings) {
      this(errorType, errorMessage, startKind, timings, "");
    }
  }

  /** The handler ran past the function's timeout; its instance was killed. */
  record TimedOut(long timeoutMs, StartKind startKind, Timings timings) implements InvocationOutcome {}

  /** The instance's memory cgroup hit memory_mb and the kernel killed it; other instances were not affected. */
  record OutOfMemory(long memoryMb, StartKind startKind, Timings timings) implements InvocationOutcome {}

  /** The executor would not run it: the function is not deployed, or the executor is closing. */
  record Rejected(String reason) implements InvocationOutcome {
    /** Nothing was started, so no start cost was paid: reported as WARM. */
    @Override
    public StartKind startKind() {
      return StartKind.WARM;
    }

    @Override
    public Timings timings() {
      return Timings.NONE;
    }
  }
}
