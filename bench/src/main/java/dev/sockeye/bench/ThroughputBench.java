package dev.sockeye.bench;

import dev.sockeye.cli.KafkaTarget;
import dev.sockeye.control.Deployer;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.kafka.Groups;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.service.MetricsSettings;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sockeye bench throughput}: a trivial handler in each ordering mode, with and without
 * batching, in both delivery modes, and one paced run for latency. Prints events/s and
 * event-to-result latency (input record timestamp to result record timestamp) p50/p99.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true, description = "Events/s and event-to-result p50/p99 per ordering, batching and delivery mode.")
final class ThroughputBench implements Callable<Integer> {
  @Option(names = "--events", defaultValue = "100000", description = "Events per batched scenario (default: ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--unbatched-events", defaultValue = "20000", description = "Events per unbatched scenario (default: ${DEFAULT-VALUE})")
  int unbatchedEvents;

  @Option(names = "--paced-rate", defaultValue = "1000", description = "Events/s of the paced latency run (default: ${DEFAULT-VALUE})")
  int pacedRate;

  @Option(names = "--warm-ups", defaultValue = "2", description = "Unmeasured runs of each scenario before its measured one (default: ${DEFAULT-VALUE})")
  int warmUps;

  @Option(names = "--only", description = "Run only the scenarios whose name (e.g. b-partition-100-a, b-key-1-e, b-partition-1-a-paced) matches this regex")
  String only;

  @Option(names = "--print-lines", description = "Also run every scenario with a handler that prints one line per event"
      + " (name prefix p-; its rate next to the silent one's shows what capturing handler output costs)")
  boolean printLines;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  @Option(names = "--scrape-every", converter = ScrapeLoad.DurationConverter.class,
      description = "Also measure each scenario a second time while /metrics is scraped over HTTP this often (e.g. 1s): the cost of scraping")
  Duration scrapeEvery;

  /** One measured configuration. */
  record Scenario(String ordering, int batchSize, String delivery, int events, int rate, String prefix, boolean prints) {
    Scenario(String ordering, int batchSize, String delivery, int events, int rate) {
      this(ordering, batchSize, delivery, events, rate, "b-", false);
    }

    Scenario(String ordering, int batchSize, String delivery, int events, int rate, String prefix) {
      this(ordering, batchSize, delivery, events, rate, prefix, false);
    }

    /** The same scenario with a handler that prints one line per event. */
    Scenario printing() {
      return new Scenario(ordering, batchSize, delivery, events, rate, "p-", true);
    }

    String name() {
      return prefix + ordering + "-" + batchSize + "-" + delivery.charAt(0) + (rate > 0 ? "-paced" : "");
    }

    String yaml() {
      return "name: " + name() + "\nconcurrency: 2\ntriggers:\n  kafka:\n    topics: [" + name() + "-in]\n    ordering: " + ordering
          + "\n    delivery: " + delivery + "\n    batch_size: " + batchSize + "\n    batch_window_ms: " + (batchSize > 1 ? 5 : 0) + "\n";
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Scenario> scenarios = new ArrayList<>();
    for (String delivery : List.of("at-least-once", "exactly-once")) {
      for (String ordering : List.of("partition", "key", "none")) {
        scenarios.add(new Scenario(ordering, 1, delivery, unbatchedEvents, 0));
        scenarios.add(new Scenario(ordering, 100, delivery, events, 0));
      }
    }
    scenarios.add(new Scenario("partition", 1, "at-least-once", pacedRate * 10, pacedRate));
    if (printLines) {
      scenarios = new ArrayList<>(scenarios.stream().flatMap(s -> java.util.stream.Stream.of(s, s.printing())).toList());
    }
    if (only != null) {
      scenarios.removeIf(s -> !s.name().matches(only));
    }
    Path dataDir = Files.createTempDirectory("sockeye-bench-");
    try (KafkaTarget kafka = KafkaTarget.open(null, dataDir, 0);
         SockeyeService service = SockeyeService.start(new ServiceSettings(kafka.bootstrap(), dataDir, python),
             new MetricsSettings("127.0.0.1", scrapeEvery == null ? 0 : freePort()), Clock.systemUTC())) {
      // A service runs for days; a scenario lasts seconds. Measured on a JVM just started, the rows
      // are mostly the JIT compiling the broker, the clients and the event path (43% of all CPU
      // samples of a 20,000-event run were the compiler threads). A shared warm-up of a few other
      // scenarios was not enough, and neither was one run of the same scenario: on two cores the
      // compiler falls behind during a warm-up (its queue held 155 methods), parks hot methods at
      // a lightly profiled tier, and finishes them during the next run. After one warm-up run the
      // measured run still had 305 top-tier compilations, 6 s of compiler time, a third of the JVM's
      // CPU. So, as benchmark harnesses do, each scenario runs unmeasured --warm-ups times, under its
      // own name and topic, then once measured. A paced run is warmed by unpaced runs of its configuration.
      System.out.println(BenchRun.header());
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        for (int round = 0; round < warmUps; round++) {
          Scenario warmUp = new Scenario(s.ordering(), s.batchSize(), s.delivery(), s.rate() > 0 ? unbatchedEvents : s.events(), 0,
              "warmup" + i + "-" + round + "-", s.prints());
          deploy(kafka.bootstrap(), dataDir, warmUp);
          produce(kafka.bootstrap(), warmUp);
          BenchRun.awaitResults(kafka.bootstrap(), warmUp.name() + "-in.results", warmUp.events() + 20, exactlyOnce(warmUp));
          undeploy(kafka.bootstrap(), warmUp);
        }

        deploy(kafka.bootstrap(), dataDir, s);
        // Each scenario starts from a collected heap, as benchmark harnesses do between iterations: the
        // service, the broker and the bench share this JVM, and without it a scenario pays for the garbage
        // of the ones before it (the paced run's p99 was 44-73 ms after twelve scenarios, 9-11 ms with this).
        System.gc();
        produce(kafka.bootstrap(), s);
        System.out.println(BenchRun.measure(kafka.bootstrap(), s.name() + "-in.results", s.events(), exactlyOnce(s))
            .row(s.ordering(), s.batchSize(), s.delivery(), s.rate()) + (s.prints() ? "   (prints a line per event)" : ""));
        undeploy(kafka.bootstrap(), s);
        if (scrapeEvery != null) { // the same scenario again, under its own name, while scraped
          Scenario scraped = new Scenario(s.ordering(), s.batchSize(), s.delivery(), s.events(), s.rate(), "s-");
          deploy(kafka.bootstrap(), dataDir, scraped);
          System.gc();
          try (ScrapeLoad load = new ScrapeLoad(service.metricsPort(), scrapeEvery)) {
            produce(kafka.bootstrap(), scraped);
            System.out.println(BenchRun.measure(kafka.bootstrap(), scraped.name() + "-in.results", scraped.events(), exactlyOnce(scraped))
                .row(s.ordering(), s.batchSize(), s.delivery(), s.rate()) + "   scraped every " + scrapeEvery.toMillis() + " ms: " + load.summary());
          }
          undeploy(kafka.bootstrap(), scraped);
        }
      }
    }
    return 0;
  }

  private static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean exactlyOnce(Scenario s) {
    return s.delivery().equals("exactly-once");
  }

  private void deploy(String bootstrap, Path dataDir, Scenario s) throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("bench-functions").resolve(s.name()));
    Files.writeString(dir.resolve("function.yaml"), s.yaml());
    Files.writeString(dir.resolve("f.py"), s.prints() ? printingHandler(s.batchSize()) : s.batchSize() > 1
        ? "def f(events):\n    return [e['value'] for e in events]\n"
        : "def f(event):\n    return event['value']\n");
    try (var admin = org.apache.kafka.clients.admin.Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap)))) {
      admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(s.name() + "-in", 6, (short) 1))).all().get();
    }
    new Deployer(bootstrap, Clock.systemUTC()).deploy(FunctionPackage.load(dir, new HandlerCheck(python)));
    Groups.awaitAssigned(dev.sockeye.kafka.KafkaConnection.of(bootstrap), List.of("sockeye-" + s.name()), Duration.ofSeconds(60));
    warm(bootstrap, s);
  }

  private static String printingHandler(int batchSize) {
    return batchSize > 1
        ? "def f(events):\n    for e in events:\n        print('handled', e['offset'], e['value'])\n    return [e['value'] for e in events]\n"
        : "def f(event):\n    print('handled', event['offset'], event['value'])\n    return event['value']\n";
  }

  /** Each scenario has the service to itself: the bindings and instances of earlier ones are stopped. */
  private static void undeploy(String bootstrap, Scenario s) {
    new Deployer(bootstrap, Clock.systemUTC()).undeploy(s.name());
  }

  /** A few events first, so instances are forked and warm before the clock starts. */
  private static void warm(String bootstrap, Scenario s) {
    String topic = s.name() + "-in";
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap), "bench-warm"))) {
      for (int i = 0; i < 20; i++) {
        p.send(new ProducerRecord<>(topic, ("w" + i).getBytes(StandardCharsets.UTF_8), "0".getBytes(StandardCharsets.UTF_8)));
      }
    }
    BenchRun.awaitResults(bootstrap, topic + ".results", 20, exactlyOnce(s));
  }

  private static void produce(String bootstrap, Scenario s) {
    String topic = s.name() + "-in";
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap), "bench"))) {
      for (int i = 0; i < s.events(); i++) {
        p.send(new ProducerRecord<>(topic, ("k" + (i % 64)).getBytes(StandardCharsets.UTF_8), Integer.toString(i).getBytes(StandardCharsets.UTF_8)));
        if (s.rate() > 0) {
          LockSupport.parkNanos(start + (i + 1) * 1_000_000_000L / s.rate() - System.nanoTime());
        }
      }
      p.flush();
    }
  }
}
