package dev.sockeye.cli;

import dev.sockeye.control.ControlTopics;
import dev.sockeye.control.Deployer;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.kafka.Groups;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.service.Caching;
import dev.sockeye.service.MetricsSettings;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sockeye demo}: the whole path on an embedded broker. Deploys every function under
 * examples/, sends it the sample events from examples/events/<topic>.jsonl (cycled), prints results
 * and a latency table by start kind, and exits 0 only if every event got its result.
 */
@Command(name = "demo", description = "Start an embedded broker, deploy examples/, send events, print results and latencies.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--examples", defaultValue = "examples", description = "Directory of example functions (default: ${DEFAULT-VALUE})")
  Path examples;

  @Option(names = "--events", defaultValue = "150", description = "Events sent to each example function (default: ${DEFAULT-VALUE})")
  int events;

  @Option(names = "--rate", defaultValue = "60", description = "Events per second sent in all (default: ${DEFAULT-VALUE}); a steady rate shows per-event latency, not backlog")
  int rate;

  @Option(names = "--bootstrap-servers", description = "Use this cluster instead of an embedded broker")
  String bootstrapServers;

  @picocli.CommandLine.Mixin
  KafkaClientOptions kafkaClient;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  @picocli.CommandLine.Mixin
  SandboxOptions sandbox;

  @Option(names = "--metrics-port", defaultValue = "9464", description = "Port of /metrics while the demo runs; a free port if it is taken; 0 serves nothing (default: ${DEFAULT-VALUE})")
  int metricsPort;

  @Override
  public Integer call() throws Exception {
    List<FunctionPackage> packages = load();
    Path dataDir = Files.createTempDirectory("sockeye-demo-");
    try (KafkaTarget kafka = KafkaTarget.open(bootstrapServers, kafkaClient, dataDir, 0);
        SockeyeService service = startService(kafka.connection(), dataDir)) {
      if (service.metricsPort() != 0) {
        System.out.printf("metrics: http://127.0.0.1:%d/metrics%s%n", service.metricsPort(),
            metricsPort != 0 && service.metricsPort() != metricsPort ? " (port " + metricsPort + " was taken)" : "");
      }
      Deployer deployer = new Deployer(kafka.connection(), Clock.systemUTC());
      packages.forEach(deployer::deploy);
      // Start sending once every binding owns its partitions, so latencies show the path, not the join.
      Groups.awaitAssigned(kafka.connection(), packages.stream().map(p -> p.definition().group()).toList(), Duration.ofSeconds(30));
      int sent = produce(kafka.connection(), packages);
      List<String> resultTopics = packages.stream().flatMap(p -> p.definition().topics().stream().map(p.definition()::resultTopicFor)).distinct().toList();
      var results = TopicReader.read(kafka.connection(), resultTopics, sent, Duration.ofSeconds(45), false);
      var metrics = TopicReader.read(kafka.connection(), List.of(ControlTopics.METRICS), sent, Duration.ofSeconds(10), false);
      report(results, metrics.stream().map(r -> AvroBytes.METRIC.decode(r.value())).toList());
      System.out.printf("%nsent %d events, received %d results and %d metrics%n", sent, results.size(), metrics.size());
      return results.size() == sent ? 0 : 1;
    } finally {
      deleteTree(dataDir);
    }
  }

  /** With metrics on --metrics-port, or on a free port if another process holds that one. */
  private SockeyeService startService(dev.sockeye.kafka.KafkaConnection kafka, Path dataDir) {
    ServiceSettings settings = new ServiceSettings(kafka, dataDir, python, sandbox.isolation(), Caching.defaults(python));
    if (metricsPort == 0 || portFree(metricsPort)) {
      return SockeyeService.start(settings, new MetricsSettings("127.0.0.1", metricsPort), Clock.systemUTC());
    }
    return SockeyeService.start(settings, new MetricsSettings("127.0.0.1", freePort()), Clock.systemUTC());
  }

  private static boolean portFree(int port) {
    try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("find a free port for /metrics", e);
    }
  }

  private List<FunctionPackage> load() throws Exception {
    if (!Files.isDirectory(examples)) {
      throw new IllegalArgumentException("no examples directory at " + examples.toAbsolutePath() + " (run from the repository root or pass --examples)");
    }
    HandlerCheck check = new HandlerCheck(python);
    try (Stream<Path> dirs = Files.list(examples)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("function.yaml"))).sorted().map(d -> FunctionPackage.load(d, check)).toList();
    }
  }

  private int produce(dev.sockeye.kafka.KafkaConnection kafka, List<FunctionPackage> packages) throws Exception {
    List<String> topics = new ArrayList<>();
    List<List<JsonLines.Line>> samples = new ArrayList<>();
    for (FunctionPackage p : packages) {
      String topic = p.definition().topics().get(0);
      Path file = examples.resolve("events").resolve(topic + ".jsonl");
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        samples.add(JsonLines.read(in, file.toString(), "id"));
      }
      topics.add(topic);
    }
    int sent = 0;
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producerConfig(kafka, "sockeye-demo"))) {
      for (int i = 0; i < events; i++) {
        for (int f = 0; f < topics.size(); f++) { // interleaved, so the functions run side by side
          JsonLines.Line l = samples.get(f).get(i % samples.get(f).size());
          producer.send(new ProducerRecord<>(topics.get(f), l.key(), l.value()));
          sent++;
          LockSupport.parkNanos(start + sent * 1_000_000_000L / rate - System.nanoTime());
        }
      }
      producer.flush();
    }
    return sent;
  }

  private static void report(List<ConsumerRecord<byte[], byte[]>> results, List<InvocationMetric> metrics) {
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = results.stream().collect(Collectors.groupingBy(ConsumerRecord::topic, TreeMap::new, Collectors.toList()));
    byTopic.forEach((topic, list) -> {
      System.out.println("\n== " + topic + ": first results");
      list.stream().limit(4).map(ResultFormat::line).forEach(System.out::println);
      Map<String, Long> statuses = list.stream().collect(Collectors.groupingBy(
          r -> AvroBytes.RESULT.decode(r.value()).getStatus().toString(), TreeMap::new, Collectors.counting()));
      System.out.println("statuses: " + statuses);
    });
    System.out.println("\n== latency from event to acknowledged result, by start kind");
    System.out.print(LatencyTable.render(metrics));
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
