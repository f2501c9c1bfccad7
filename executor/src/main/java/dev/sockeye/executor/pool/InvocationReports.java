package dev.sockeye.executor.pool;

import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.OutOfMemory;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;
import dev.sockeye.executor.StartKind;
import dev.sockeye.zygote.Instance;
import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.output.HandlerOutput.Report;
import dev.sockeye.zygote.invoke.WireEvent;
import java.time.Clock;
import java.util.List;

/**
 * Publishes one {@link Report} per invocation to the instance's output capture, after its lines, like Lambda's
 * REPORT line. Stateless; runs on the invoking worker.
 */
final class InvocationReports {
  private InvocationReports() {}

  static void publish(Instance instance, Job job, StartKind kind, List<InvocationOutcome> outcomes, long initUs,
      Clock clock) {
    instance.output().ifPresent(out -> {
      List<String> keys = job.events().stream().map(WireEvent::idempotencyKey).toList();
      InvocationOutcome worst = outcomes.stream().filter(o -> !(o instanceof Succeeded)).findFirst()
          .orElse(outcomes.isEmpty() ? null : outcomes.get(0));
      long durationUs = outcomes.stream().mapToLong(o -> o.timings().handlerUs()).sum();
      long memory = instance.sandbox().map(SandboxHandle::peakMemoryBytes).orElse(0L);
      out.publish(new Report(out.origin(keys), clock.instant(), status(worst), kind.name(), durationUs,
          kind == StartKind.WARM ? 0 : initUs, memory, error(worst),
          worst instanceof Failed f && !f.traceback().isEmpty() ? f.traceback() : null));
    });
  }

  private static String status(InvocationOutcome o) {
    if (o == null || o instanceof Succeeded) {
      return "OK";
    }
    return o instanceof TimedOut ? "TIMEOUT" : o instanceof OutOfMemory ? "OOM" : "ERROR";
  }

  private static String error(InvocationOutcome o) {
    if (o instanceof Failed f) {
      return f.errorType() + ": " + f.errorMessage();
    }
    if (o instanceof TimedOut t) {
      return "Timeout: handler ran past timeout_ms=" + t.timeoutMs();
    }
    if (o instanceof OutOfMemory m) {
      return "OutOfMemory: instance passed memory_mb=" + m.memoryMb();
    }
    return null;
  }
}
