package dev.sockeye.executor;

import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.OutOfMemory;
import dev.sockeye.executor.InvocationOutcome.Rejected;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;

/** Marks outcomes of an unsandboxed executor, so every result says it ran without isolation. Stateless. */
final class Unsandboxed {
  private Unsandboxed() {}

  static InvocationOutcome relabel(InvocationOutcome o) {
    StartKind k = switch (o.startKind()) {
      case WARM -> StartKind.UNSANDBOXED_WARM;
      case ZYGOTE -> StartKind.UNSANDBOXED_ZYGOTE;
      default -> o.startKind();
    };
    if (o instanceof Succeeded s) {
      return new Succeeded(s.output(), s.contentType(), k, s.timings());
    }
    if (o instanceof Failed f) {
      return new Failed(f.errorType(), f.errorMessage(), k, f.timings(), f.traceback());
    }
    if (o instanceof TimedOut t) {
      return new TimedOut(t.timeoutMs(), k, t.timings());
    }
    if (o instanceof OutOfMemory m) {
      return new OutOfMemory(m.memoryMb(), k, m.timings());
    }
    return (Rejected) o; // nothing ran, nothing to mark
  }
}
