package dev.sockeye.cli;

import dev.sockeye.replay.OffsetBound;
import dev.sockeye.replay.Replay;
import dev.sockeye.replay.ReplayRequest;
import dev.sockeye.replay.UsageException;
import dev.sockeye.service.Caching;
import dev.sockeye.service.ServiceSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sockeye replay}: runs a topic range, a file or dead letters through a deployed function, apart from its live binding. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Replay a topic range, a file (JSON lines or Avro) or dead letters through a deployed function, under a consumer group and "
        + "result topic of its own. Exit 2 on usage errors, 1 on runtime failures.")
final class ReplayCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FUNCTION", description = "The deployed function to run")
  String function;

  /** Exactly one source. */
  static final class Source {
    @Option(names = "--topic", description = "Replay this topic's records") String topic;
    @Option(names = "--file", description = "Replay a JSON-lines file (one event value, or an envelope {key, value, headers, timestamp, ...}, per line) or an Avro object container file") Path file;
    @Option(names = "--dead-letters", description = "Replay a dead-letter topic (<topic>.dlq): each record runs as its original topic/partition/offset/headers") String deadLetters;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--partitions", split = ",", description = "Only these partitions (e.g. 0,2); default: all")
  List<Integer> partitions = new ArrayList<>();

  @Option(names = "--from", defaultValue = "earliest", description = "earliest, an offset, or an ISO-8601 instant (default: ${DEFAULT-VALUE})")
  String from;

  @Option(names = "--to", defaultValue = "latest", description = "latest, an offset (exclusive), or an ISO-8601 instant (exclusive) (default: ${DEFAULT-VALUE})")
  String to;

  @Option(names = "--function-version", description = "The function version (hash or prefix) to run; default: its current version (--version prints Sockeye's own)")
  String version;

  @Option(names = "--name", description = "Name of the replay; run it again with the same name to continue a stopped one (default: FUNCTION-<time>)")
  String name;

  @Option(names = "--result-topic", description = "Where results go (default: <result_topic>.replay.<name>)")
  String resultTopic;

  @Option(names = "--dry-run", description = "Print the plan (partitions, offsets, record counts, estimated time) and run nothing")
  boolean dryRun;

  @Option(names = "--rate", description = "Most events per second, e.g. 500 or 500/s")
  String rate;

  @Option(names = "--redrive-to-source", description = "With --dead-letters: re-produce them to their original topics instead of running them here")
  boolean redriveToSource;

  @Option(names = "--progress-interval-s", defaultValue = "5", description = "Seconds between progress lines when not on a terminal (default: ${DEFAULT-VALUE})")
  long progressIntervalS;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Interpreter handlers run on (default: ${DEFAULT-VALUE})")
  Path python;

  @Mixin KafkaOptions kafka;
  @Mixin SandboxOptions sandbox;
  @Mixin PipOptions pip;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    ReplayRequest request;
    try {
      request = new ReplayRequest(function, version, name, source(), resultTopic, dryRun, rate(), redriveToSource);
    } catch (IllegalArgumentException | UsageException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ServiceSettings settings = new ServiceSettings(kafka.connect(), kafka.dataDir, python, sandbox.isolation(), Caching.defaults(python))
        .withCaching(new Caching(pip.settings(python), Caching.defaults(python).tree(), Caching.defaults(python).handlerCache(), null));
    Replay replay = new Replay();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      replay.stop(); // SIGTERM or Ctrl-C: drain, commit, print the summary, then exit
      try {
        done.await(150, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "replay-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      Replay.Outcome outcome = replay.run(request, new Replay.Environment(settings, null, Clock.systemUTC(), System.out,
          System.console() != null, progressIntervalS * 1000));
      return outcome.complete() || dryRun ? 0 : 1;
    } catch (UsageException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down already: the hook is running and waited for us
      }
    }
  }

  private ReplayRequest.Source source() {
    boolean ranged = !partitions.isEmpty() || !from.equals("earliest") || !to.equals("latest");
    if (source.file != null) {
      if (ranged) {
        throw new UsageException("--partitions, --from and --to apply to --topic and --dead-letters, not --file");
      }
      return new ReplayRequest.File(source.file);
    }
    var f = OffsetBound.parse("--from", from);
    var t = OffsetBound.parse("--to", to);
    return source.topic != null ? new ReplayRequest.Topic(source.topic, partitions, f, t)
        : new ReplayRequest.DeadLetters(source.deadLetters, partitions, f, t);
  }

  private double rate() {
    if (rate == null) {
      return 0;
    }
    String r = rate.strip().replaceFirst("(?i)/s$", "");
    try {
      double v = Double.parseDouble(r);
      if (v > 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through to the message
    }
    throw new UsageException("--rate " + rate + ": expected events per second above 0, e.g. 500 or 500/s");
  }
}
