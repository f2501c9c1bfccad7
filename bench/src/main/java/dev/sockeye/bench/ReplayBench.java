package dev.sockeye.bench;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.cli.KafkaTarget;
import dev.sockeye.control.Deployer;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.kafka.Groups;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.replay.OffsetBound;
import dev.sockeye.replay.Replay;
import dev.sockeye.replay.ReplayRequest;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sockeye bench replay}: a replay of recorded events through a trivial batched function,
 * next to that function's live rate measured the way {@code bench throughput} measures its batched
 * at-least-once partition-ordered row (the same function.yaml), in the same JVM and on the same
 * broker. Each is warmed up first, as bench throughput does.
 */
@Command(name = "replay", description = "Replay events/s of recorded events vs bench throughput's batched live rate, same run.")
final class ReplayBench implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "100000", description = "Recorded events replayed (default: ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--warm-ups", defaultValue = "2", description = "Unmeasured runs of each before its measured one (default: ${DEFAULT-VALUE})")
  int warmUps;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  @Override
  public Integer call() throws Exception {
    Path dataDir = Files.createTempDirectory("sockeye-bench-replay-");
    try (KafkaTarget kafka = KafkaTarget.open(null, dataDir, 0);
         SockeyeService service = SockeyeService.start(new ServiceSettings(kafka.bootstrap(), dataDir, python), Clock.systemUTC())) {
      String bootstrap = kafka.bootstrap();
      double live = 0;
      double replayed = 0;
      for (int round = 0; round <= warmUps; round++) {
        var s = new ThroughputBench.Scenario("partition", 100, "at-least-once", events, 0, round < warmUps ? "rwarm" + round + "-" : "rb-");
        deploy(bootstrap, dataDir, s);
        System.gc();
        produce(bootstrap, s.name() + "-in", events);
        live = BenchRun.measure(bootstrap, s.name() + "-in.results", events, false).eventsPerSecond();
        System.gc();
        Replay.Outcome outcome = new Replay().run(
            new ReplayRequest(s.name(), null, s.name() + "-replay", new ReplayRequest.Topic(s.name() + "-in", List.of(),
                new OffsetBound.Earliest(), new OffsetBound.Latest()), null, false, 0, false),
            new Replay.Environment(new ServiceSettings(bootstrap, dataDir, python), service.executor(), Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream()), false, 60_000));
        replayed = outcome.deliveredNow() * 1000.0 / Math.max(1, outcome.elapsedMs());
        new Deployer(bootstrap, Clock.systemUTC()).undeploy(s.name());
      }
      System.out.printf(Locale.ROOT, "%-58s %10s %10s%n", "run (trivial handler, batch_size 100, partition, at-least-once)", "events", "events/s");
      System.out.printf(Locale.ROOT, "%-58s %10d %10.0f%n", "live binding (bench throughput's b-partition-100-a row)", events, live);
      System.out.printf(Locale.ROOT, "%-58s %10d %10.0f%n", "replay of the recorded topic (sockeye replay)", events + 20, replayed);
      System.out.printf(Locale.ROOT, "replay / live: %.2f (target >= 0.80)%n", replayed / Math.max(1, live));
    }
    return 0;
  }

  private void deploy(String bootstrap, Path dataDir, ThroughputBench.Scenario s) throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("bench-functions").resolve(s.name()));
    Files.writeString(dir.resolve("function.yaml"), s.yaml());
    Files.writeString(dir.resolve("f.py"), "def f(events):\n    return [e['value'] for e in events]\n");
    try (var admin = org.apache.kafka.clients.admin.Admin.create(KafkaClients.adminConfig(KafkaConnection.of(bootstrap)))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(s.name() + "-in", 6, (short) 1))).all().get();
    }
    new Deployer(bootstrap, Clock.systemUTC()).deploy(FunctionPackage.load(dir, new HandlerCheck(python)));
    Groups.awaitAssigned(KafkaConnection.of(bootstrap), List.of("sockeye-" + s.name()), Duration.ofSeconds(60));
    produce(bootstrap, s.name() + "-in", 20); // instances forked and warm before the clock starts, as bench throughput does
    BenchRun.awaitResults(bootstrap, s.name() + "-in.results", 20, false);
  }

  private static void produce(String bootstrap, String topic, int count) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(KafkaConnection.of(bootstrap), "bench"))) {
      for (int i = 0; i < count; i++) {
        p.send(new ProducerRecord<>(topic, ("k" + (i % 64)).getBytes(StandardCharsets.UTF_8), Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }
}
