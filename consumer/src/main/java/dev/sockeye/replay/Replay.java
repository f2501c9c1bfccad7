package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.binding.Bounded;
import dev.sockeye.control.FunctionVersions;
import dev.sockeye.control.Registry;
import dev.sockeye.executor.Executor;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.service.ServiceExecutor;
import dev.sockeye.service.ServiceSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code sockeye replay}: plans a replay (or finds the stored plan of a named one), then runs it
 * through a bounded binding (or redrives dead letters to their source) with progress, and prints a
 * summary. The calling thread waits; {@link #stop()} (a shutdown hook) ends a run early, committing
 * what is done, so that the same {@code --name} continues from there.
 */
public final class Replay {
  /**
   * Where and how a replay runs.
   *
   * @param executor an executor to use (the bench shares its service's); null to start one from {@code service}
   * @param tty draw a progress bar in place rather than periodic lines
   */
  public record Environment(ServiceSettings service, Executor executor, Clock clock, PrintStream out, boolean tty, long progressIntervalMs) {}

  /** How a replay ended. */
  public record Outcome(ReplayPlan plan, Progress.Snapshot summary, boolean complete, long deliveredNow, long elapsedMs) {}

  private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();

  /** From any thread: finish early (in-flight work drains and is committed). */
  public void stop() {
    stopRequested.complete(null);
  }

  public Outcome run(ReplayRequest req, Environment env) throws Exception {
    KafkaConnection connection = env.service().kafka();
    PrintStream out = env.out();
    if (req.redriveToSource() && !(req.source() instanceof ReplayRequest.DeadLetters)) {
      throw new UsageException("--redrive-to-source re-produces dead letters: it needs --dead-letters <topic>.dlq");
    }
    try (Admin admin = Admin.create(KafkaClients.adminConfig(connection))) {
      String name = req.name() != null ? checkName(req.name()) : defaultName(req.function(), env.clock());
      Optional<ReplayPlan> stored = admin.listTopics().names().get().contains(ReplayStore.TOPIC)
          ? ReplayStore.find(connection, name) : Optional.empty();
      stored.ifPresent(p -> checkSame(p, req));
      Registry.Deployment d = deployment(connection, env.service().dataDir(), req.function(), stored.map(ReplayPlan::version).orElse(req.version()));
      if (req.dryRun()) {
        ReplayPlan plan = stored.orElseGet(() -> Planner.plan(connection, admin, req, name, d, false, out));
        out.print(PlanText.of(plan, Committed.of(admin, plan), Estimate.of(connection, d.definition(), req.ratePerSecond()), stored.isPresent(),
            req.redriveToSource()));
        return new Outcome(plan, null, false, 0, 0);
      }
      ReplayStore.ensureTopic(admin);
      ReplayPlan plan;
      if (stored.isPresent()) {
        plan = stored.get();
        out.println("resuming replay " + name + " of " + plan.function() + " (" + plan.source() + ")");
      } else {
        plan = Planner.plan(connection, admin, req, name, d, true, out);
        ReplayStore.save(connection, plan);
        out.println("replay " + name + " of " + plan.function() + " version " + plan.version().substring(0, 12) + " (" + plan.source()
            + "); rerun with --name " + name + " to resume it if it is stopped");
      }
      if (!req.redriveToSource()) {
        Planner.ensure(admin, java.util.List.of(plan.resultTopic(), plan.deadLetterTopic()));
        out.println("results to " + plan.resultTopic() + ", dead letters to " + plan.deadLetterTopic());
      }
      Progress progress = new Progress(plan.records(), Committed.of(admin, plan), plan.ranges().keySet(), env.clock());
      progress.addDeadLetters(stored.isPresent() ? 0 : plan.malformed());
      return execute(req, env, plan, d, progress);
    }
  }

  private Outcome execute(ReplayRequest req, Environment env, ReplayPlan plan, Registry.Deployment d, Progress progress) throws Exception {
    TokenBucket bucket = req.ratePerSecond() > 0 ? new TokenBucket(req.ratePerSecond(), env.clock(), TokenBucket.Sleeper.PARK) : null;
    Bounded.Throttle throttle = bucket != null ? bucket : Bounded.Throttle.NONE;
    stopRequested.thenRun(() -> {
      if (bucket != null) {
        bucket.close();
      }
    });
    try (ProgressView view = new ProgressView(progress, env.out(), env.tty(), env.tty() ? 250 : env.progressIntervalMs())) {
      view.start();
      if (req.redriveToSource()) {
        Redrive redrive = new Redrive(env.service().kafka());
        stopRequested.thenRun(redrive::stop);
        redrive.run(plan, throttle, progress);
      } else {
        runBinding(env, plan, d, throttle, progress);
      }
    }
    boolean complete = progress.finished().isDone();
    Progress.Snapshot s = progress.snapshot();
    env.out().println(ProgressView.summary(s, progress.deliveredNow(), complete ? "complete"
        : "stopped; run it again with --name " + plan.name() + " to continue"));
    return new Outcome(plan, s, complete, progress.deliveredNow(), s.elapsedMs());
  }

  private void runBinding(Environment env, ReplayPlan plan, Registry.Deployment d, Bounded.Throttle throttle, Progress progress) throws Exception {
    Executor own = null;
    Executor executor = env.executor();
    if (executor == null) {
      Path work = Files.createDirectories(env.service().dataDir().resolve("replay-" + ProcessHandle.current().pid()));
      own = ServiceExecutor.start(env.service(), work, env.clock());
      executor = own;
    }
    try (ReplayRunner runner = new ReplayRunner(env.service().kafka())) {
      runner.start(env.service().kafka(), executor, d, plan, throttle, progress, env.clock());
      CompletableFuture.anyOf(progress.finished(), stopRequested).get();
      runner.stop(); // drains and commits
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  private static Registry.Deployment deployment(KafkaConnection connection, Path dataDir, String function, String version) {
    try {
      return FunctionVersions.find(connection, dataDir.resolve("functions"), function, version);
    } catch (FunctionVersions.NotFound e) {
      throw new UsageException(e.getMessage());
    }
  }

  private static void checkSame(ReplayPlan p, ReplayRequest req) {
    if (!p.function().equals(req.function())) {
      throw new UsageException("--name " + p.name() + " is a replay of function " + p.function() + ", not " + req.function());
    }
    if (!p.source().equals(req.source().label())) {
      throw new UsageException("--name " + p.name() + " is a replay of " + p.source() + ", not " + req.source().label()
          + " (choose another --name for a new replay)");
    }
  }

  static String checkName(String name) {
    if (!name.matches("[a-zA-Z0-9._-]{1,100}")) {
      throw new UsageException("--name " + name + ": use letters, digits, '.', '_' and '-' (at most 100)");
    }
    return name;
  }

  private static String defaultName(String function, Clock clock) {
    return function + "-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(clock.instant());
  }

  /** Offsets of the plan the replay group already committed: what earlier runs did. */
  static final class Committed {
    private Committed() {}

    static long of(Admin admin, ReplayPlan plan) {
      try {
        var offsets = admin.listConsumerGroupOffsets(plan.group()).partitionsToOffsetAndMetadata().get();
        long done = 0;
        for (var e : plan.ranges().entrySet()) {
          TopicPartition tp = e.getKey();
          var o = offsets.get(tp);
          if (o != null) {
            done += Math.max(0, Math.min(e.getValue().to(), o.offset()) - e.getValue().from());
          }
        }
        return done;
      } catch (Exception e) {
        return 0; // no group yet
      }
    }
  }
}
