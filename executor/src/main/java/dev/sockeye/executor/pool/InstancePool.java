package dev.sockeye.executor.pool;

import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.Rejected;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.invoke.InvokeMode;
import dev.sockeye.zygote.invoke.WireEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import dev.sockeye.sandbox.SandboxHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instances of one function version. An idle instance is reused (WARM); otherwise a new one is
 * forked while fewer than {@code concurrency} are alive; otherwise the work waits, first in first
 * out.
 *
 * <p>Thread-safety: {@code idle}, {@code waiting}, {@code alive} and {@code closed} are guarded by
 * {@code this}. Forks and invocations block, so they run on {@code workers}, outside the lock; an
 * instance is used by one worker at a time because it is either idle (in the deque) or leased to
 * exactly one job.
 */
public final class InstancePool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstancePool.class);

  private final FunctionDeployment deployment;
  private final Function<InstanceSpec, Instance> forker;
  private final ExecutorService workers;
  private final InvocationRunner runner;
  private final Clock clock;

  private final Deque<Instance> idle = new ArrayDeque<>(); // guarded by this: least recently used first
  private final Map<Instance, Instant> idleSince = new IdentityHashMap<>(); // guarded by this
  private final Set<Instance> frozen = Collections.newSetFromMap(new IdentityHashMap<>()); // guarded by this
  private final Deque<Job> waiting = new ArrayDeque<>(); // guarded by this
  private int alive; // guarded by this: instances alive or being forked
  private boolean retiring; // guarded by this: a newer version took over; keep no idle instances
  private boolean closed; // guarded by this

  public InstancePool(
      FunctionDeployment deployment,
      Function<InstanceSpec, Instance> forker,
      ExecutorService workers,
      ScheduledExecutorService timer,
      Clock clock) {
    this.deployment = deployment;
    this.forker = forker;
    this.workers = workers;
    this.runner = new InvocationRunner(deployment, timer, clock);
    this.clock = clock;
  }

  public FunctionDeployment deployment() {
    return deployment;
  }

  /** Never blocks; the future completes with one outcome per event, in order, and never fails. */
  public CompletableFuture<List<InvocationOutcome>> submit(List<WireEvent> events, InvokeMode mode) {
    Job job = Job.of(events, mode, clock.instant());
    Instance warm;
    boolean thaw;
    synchronized (this) {
      if (closed) {
        job.result().complete(rejectAll(job, "function " + deployment.name() + " version " + deployment.version() + " was replaced or undeployed"));
        return job.result();
      }
      warm = idle.pollLast(); // the most recently used instance has the hottest caches
      idleSince.remove(warm);
      thaw = warm != null && frozen.remove(warm);
      if (warm == null) {
        if (alive >= deployment.limits().concurrency()) {
          waiting.addLast(job);
          return job.result();
        }
        alive++;
      }
    }
    workers.execute(() -> run(job, warm, thaw));
    return job.result();
  }

  /** Counts, for status and tests. */
  public synchronized PoolState state() {
    return new PoolState(alive, idle.size(), waiting.size(), frozen.size());
  }

  private void start(Job job, Instance warmOrNull) {
    workers.execute(() -> run(job, warmOrNull, false)); // handed over from a job that just ran: not frozen
  }

  private void run(Job job, Instance warmOrNull, boolean thaw) {
    if (thaw) {
      thaw(warmOrNull);
    }
    Instance instance = warmOrNull;
    if (instance == null) {
      try {
        instance = forker.apply(spec());
      } catch (RuntimeException e) {
        log.warn("fork of {} failed: {}", deployment.name(), e.getMessage());
        job.result().complete(failAll(job, "ForkFailed", e.getMessage()));
        release(null);
        return;
      }
    }
    StartKind kind = warmOrNull == null ? StartKind.ZYGOTE : StartKind.WARM;
    InvocationRunner.Result result = runner.run(instance, job, kind);
    job.result().complete(result.outcomes());
    release(result.instanceHealthy() ? instance : discard(instance));
  }

  private static Instance discard(Instance instance) {
    instance.close(); // an unhealthy instance is destroyed, not repaired
    return null;
  }

  /** Hands a healthy instance to the next waiting job or back to idle; replaces a dead one. */
  private void release(Instance healthyOrNull) {
    Job next;
    Instance handOver = null;
    Instance toClose = null;
    synchronized (this) {
      if (healthyOrNull != null && !closed) {
        next = waiting.pollFirst();
        if (next == null && retiring) {
          alive--;
          toClose = healthyOrNull;
        } else if (next == null) {
          idle.addLast(healthyOrNull);
          idleSince.put(healthyOrNull, clock.instant());
          return;
        }
        handOver = healthyOrNull;
      } else {
        toClose = healthyOrNull;
        alive--;
        next = closed ? null : waiting.pollFirst();
        if (next != null) {
          alive++; // the slot goes straight to the next job, which forks
        }
      }
    }
    if (toClose != null) {
      toClose.close();
    }
    if (next != null) {
      start(next, handOver);
    }
  }

  private InstanceSpec spec() {
    return new InstanceSpec(deployment.name(), deployment.version(), deployment.codeDir(), Map.of());
  }

  private List<InvocationOutcome> rejectAll(Job job, String reason) {
    List<InvocationOutcome> out = new ArrayList<>();
    for (int i = 0; i < job.events().size(); i++) {
      out.add(new Rejected(reason));
    }
    return out;
  }

  private List<InvocationOutcome> failAll(Job job, String type, String message) {
    Timings timings = runner.timingsSince(job, 0, 0, 0);
    List<InvocationOutcome> out = new ArrayList<>();
    for (int i = 0; i < job.events().size(); i++) {
      out.add(new Failed(type, message, StartKind.ZYGOTE, timings));
    }
    return out;
  }

  /**
   * Scales toward zero: closes instances idle for longer than {@code idleTimeout}, least recently
   * used first. Returns how many were closed.
   */
  public int freezeIdle(Duration freezeAfter) {
    Instant cutoff = clock.instant().minus(freezeAfter);
    List<Instance> toFreeze = new ArrayList<>();
    synchronized (this) {
      for (Instance i : idle) {
        if (!idleSince.get(i).isAfter(cutoff) && frozen.add(i)) {
          toFreeze.add(i);
        }
      }
    }
    int n = 0;
    for (Instance i : toFreeze) {
      // The instance lock orders this freeze against a worker's thaw of the same instance: whichever
      // comes second wins, and a freeze of an instance taken meanwhile is skipped.
      synchronized (i) {
        synchronized (this) {
          if (!frozen.contains(i)) {
            continue;
          }
        }
        i.sandbox().ifPresent(SandboxHandle::freeze);
        n++;
      }
    }
    return n;
  }

  private static void thaw(Instance i) {
    synchronized (i) {
      i.sandbox().ifPresent(SandboxHandle::thaw);
    }
  }

  /** A frozen idle instance, for the executor's memory budget. */
  public record FrozenInstance(InstancePool pool, Instance instance, Instant idleSince) {}

  public synchronized List<FrozenInstance> frozenInstances() {
    List<FrozenInstance> out = new ArrayList<>();
    frozen.forEach(i -> out.add(new FrozenInstance(this, i, idleSince.get(i))));
    return out;
  }

  /** Closes {@code instance} if it is still idle; false if work took it meanwhile. */
  public boolean evictIdle(Instance instance) {
    synchronized (this) {
      if (!idle.remove(instance)) {
        return false;
      }
      idleSince.remove(instance);
      frozen.remove(instance);
      alive--;
    }
    instance.close();
    return true;
  }

  public int reapIdle(Duration idleTimeout) {
    Instant cutoff = clock.instant().minus(idleTimeout);
    List<Instance> toClose = new ArrayList<>();
    synchronized (this) {
      while (!idle.isEmpty() && !idleSince.get(idle.peekFirst()).isAfter(cutoff)) {
        Instance oldest = idle.pollFirst();
        idleSince.remove(oldest);
        frozen.remove(oldest);
        toClose.add(oldest);
        alive--;
      }
    }
    toClose.forEach(Instance::close);
    return toClose.size();
  }

  /**
   * Lets a newer version take over: idle instances are killed now, work already submitted still
   * runs, and instances are closed as they finish instead of going idle. Idempotent.
   */
  public void retire() {
    List<Instance> toClose;
    synchronized (this) {
      retiring = true;
      toClose = new ArrayList<>(idle);
      alive -= idle.size();
      idle.clear();
      idleSince.clear();
      frozen.clear();
    }
    toClose.forEach(Instance::close);
  }

  /**
   * Rejects waiting work and kills idle instances; work in flight finishes and its instance is then
   * closed. Idempotent.
   */
  @Override
  public void close() {
    List<Instance> toClose;
    List<Job> toReject;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(idle);
      alive -= idle.size();
      idle.clear();
      idleSince.clear();
      frozen.clear();
      toReject = new ArrayList<>(waiting);
      waiting.clear();
    }
    toClose.forEach(Instance::close);
    toReject.forEach(j -> j.result().complete(rejectAll(j, "function " + deployment.name() + " was replaced or undeployed")));
  }
}
