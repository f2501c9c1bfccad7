package dev.sockeye.bench;

import dev.sockeye.cli.KafkaTarget;
import dev.sockeye.control.Deployer;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.kafka.Groups;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.service.SockeyeService;
import dev.sockeye.service.ServiceSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The first event of a freshly deployed function, through Kafka: a service on an embedded broker, whose
 * package store is {@code store}, gets the function through the control topic; once its deploy is done (which
 * builds the function's zygote) and its binding owns the input, one event is produced, and the latency is the
 * result record's timestamp minus the input's (both set by clients of this JVM).
 */
final class FirstEventBench {
  private FirstEventBench() {}

  /** Milliseconds from the first event's input record to its result record. */
  static long measure(BenchFunction fn, Path store, Path python) throws Exception {
    Path dataDir = Files.createTempDirectory("sockeye-first-event-");
    Files.createSymbolicLink(dataDir.resolve("packages"), store.toAbsolutePath()); // the service's store is data_dir/packages
    String name = "first-" + fn.name();
    try (KafkaTarget kafka = KafkaTarget.open(null, dataDir, 0);
         SockeyeService service = SockeyeService.start(new ServiceSettings(kafka.bootstrap(), dataDir, python), Clock.systemUTC())) {
      String topic = name + "-in";
      try (Admin admin = Admin.create(KafkaClients.adminConfig(kafka.connection()))) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      }
      Path dir = Files.createDirectories(dataDir.resolve("functions").resolve(name));
      Files.writeString(dir.resolve("function.yaml"), "name: " + name + "\ntriggers:\n  kafka:\n    topics: [" + topic + "]\n");
      Files.writeString(dir.resolve("f.py"), fn.source());
      Files.writeString(dir.resolve("requirements.txt"), String.join("\n", fn.requirements()) + "\n");
      long start = System.nanoTime();
      new Deployer(kafka.bootstrap(), Clock.systemUTC()).deploy(FunctionPackage.load(dir, new HandlerCheck(python)));
      Groups.awaitAssigned(kafka.connection(), List.of("sockeye-" + name), Duration.ofMinutes(5));
      System.err.printf("deployed %s in %.0f ms (install + zygote + binding); zygote: %s%n", name,
          (System.nanoTime() - start) / 1e6, service.executor().functionZygote(name).map(Object::toString).orElse("none"));
      RecordMetadata sent;
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(kafka.connection(), "bench-first"))) {
        sent = p.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), fn.event())).get();
      }
      List<ConsumerRecord<byte[], byte[]>> results = TopicReader.read(kafka.connection(), List.of(topic + ".results"), 1,
          Duration.ofMinutes(2), false);
      if (results.isEmpty()) {
        throw new IllegalStateException("no result for the first event of " + name + " within 2 minutes");
      }
      return results.get(0).timestamp() - sent.timestamp();
    }
  }
}
