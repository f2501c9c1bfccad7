package dev.sockeye.executor.pool;

import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.OutOfMemory;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceCrashedException;
import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.invoke.EventReply;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Raised;
import dev.sockeye.zygote.invoke.Returned;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends one job to one instance and enforces the function's timeout by killing the instance from
 * the timer thread, which makes the blocked {@code invoke} fail. Stateless; runs on a worker.
 */
final class InvocationRunner {
  /** The outcomes, and whether the instance may serve again. */
  record Result(List<InvocationOutcome> outcomes, boolean instanceHealthy) {}

  private final FunctionDeployment deployment;
  private final ScheduledExecutorService timer;
  private final Clock clock;

  InvocationRunner(FunctionDeployment deployment, ScheduledExecutorService timer, Clock clock) {
    this.deployment = deployment;
    this.timer = timer;
    this.clock = clock;
  }

  Result run(Instance instance, Job job, StartKind kind) {
    Instant dispatched = clock.instant();
    long timeoutMs = (long) deployment.limits().timeoutMs() * job.events().size();
    long forkUs = kind == StartKind.WARM ? 0 : micros(instance.forkTime());
    long sandboxUs = kind == StartKind.WARM ? 0 : instance.sandbox().map(s -> micros(s.setupTime())).orElse(0L);
    AtomicBoolean timedOut = new AtomicBoolean();
    ScheduledFuture<?> killer =
        timer.schedule(
            () -> {
              timedOut.set(true);
              instance.kill();
            },
            timeoutMs,
            TimeUnit.MILLISECONDS);
    try {
      InvokeReply reply =
          instance.invoke(
              new InvokeRequest(deployment.name(), job.events(), clock.millis() + timeoutMs, job.mode()));
      killer.cancel(false);
      long importUs = kind == StartKind.WARM ? 0 : reply.importMicros();
      List<InvocationOutcome> outcomes = new ArrayList<>();
      for (EventReply r : reply.results()) {
        Timings t = timings(job, dispatched, sandboxUs, forkUs, importUs, r.handlerMicros());
        outcomes.add(toOutcome(r, kind, t));
      }
      InvocationReports.publish(instance, job, kind, outcomes, sandboxUs + forkUs + importUs, clock);
      // The killer may have fired just after the reply arrived: the outcomes stand, the instance does not.
      return new Result(outcomes, !timedOut.get());
    } catch (InstanceCrashedException e) {
      killer.cancel(false);
      Timings t = timings(job, dispatched, sandboxUs, forkUs, 0, micros(Duration.between(dispatched, clock.instant())));
      // The OOM killer's count is raised before the victim dies, so it is visible once the socket reports EOF.
      boolean oom = instance.sandbox().map(SandboxHandle::outOfMemory).orElse(false);
      List<InvocationOutcome> outcomes = new ArrayList<>();
      for (int i = 0; i < job.events().size(); i++) {
        outcomes.add(
            oom ? new OutOfMemory(deployment.limits().memoryMb(), kind, t)
                : timedOut.get()
                ? new TimedOut(timeoutMs, kind, t)
                : new Failed(
                    "InstanceCrashed",
                    "instance pid " + instance.pid() + " of " + deployment.name() + " died: " + e.getMessage(),
                    kind,
                    t));
      }
      InvocationReports.publish(instance, job, kind, outcomes, sandboxUs + forkUs, clock);
      return new Result(outcomes, false);
    }
  }

  Timings timingsSince(Job job, long forkUs, long importUs, long handlerUs) {
    return timings(job, job.submittedAt(), 0, forkUs, importUs, handlerUs);
  }

  private Timings timings(Job job, Instant dispatched, long sandboxUs, long forkUs, long importUs, long handlerUs) {
    long queuedUs = micros(Duration.between(job.submittedAt(), dispatched));
    long totalUs = micros(Duration.between(job.submittedAt(), clock.instant()));
    return new Timings(queuedUs, sandboxUs, forkUs, importUs, handlerUs, totalUs);
  }

  private static InvocationOutcome toOutcome(EventReply reply, StartKind kind, Timings timings) {
    if (reply instanceof Returned r) {
      return new Succeeded(r.output(), r.contentType(), kind, timings);
    }
    Raised e = (Raised) reply;
    return new Failed(e.errorType(), e.errorMessage(), kind, timings, e.traceback());
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1_000;
  }
}
