package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockeye.control.Deployer;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.kafka.EmbeddedKafka;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A dedicated broker stops for 20 s and comes back on the same port and log: the service reconnects by itself and loses nothing. */
@ExtendWith(NoLeaks.class)
class BrokerDownTest {
  @TempDir Path brokerDir;
  @TempDir Path data;

  private static void send(String bootstrap, int from, int to) {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap), "test"))) {
      for (int i = from; i < to; i++) {
        p.send(new ProducerRecord<>("down-in", ("k" + i).getBytes(StandardCharsets.UTF_8), ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
  }

  private static Set<String> resultKeys(String bootstrap) {
    return TopicReader.readAll(dev.sockeye.kafka.KafkaConnection.of(bootstrap), List.of("down-in.results"), Duration.ofSeconds(30)).stream()
        .map(r -> AvroBytes.RESULT.decode(r.value()).getIdempotencyKey()).collect(Collectors.toSet());
  }

  @Test
  void serviceReconnectsAfterTheBrokerIsDownFor20SecondsAndLosesNothing() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedKafka kafka = EmbeddedKafka.start(brokerDir, port);
    String bootstrap = kafka.bootstrapServers();
    try (Admin admin = Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap)))) {
      admin.createTopics(List.of(new NewTopic("down-in", 2, (short) 1))).all().get();
    }
    TreeMap<String, byte[]> code = new TreeMap<>();
    code.put("f.py", "def f(event):\n    return event['value']['i']\n".getBytes(StandardCharsets.UTF_8));
    new Deployer(bootstrap, Clock.systemUTC()).deploy(new FunctionPackage(
        new FunctionDefinition("down", List.of("down-in"), null, new FunctionLimits(5000, 64, 2)), code, "0123456789abcdef"));
    try (SockeyeService service = SockeyeService.start(new ServiceSettings(bootstrap, data, Path.of("/usr/bin/python3")), Clock.systemUTC())) {
      send(bootstrap, 0, 300);
      await().atMost(Duration.ofSeconds(60)).until(() -> resultKeys(bootstrap).size() >= 100);

      kafka.close();
      await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(21)).until(() -> true); // the broker is down for 20 s
      kafka = EmbeddedKafka.start(brokerDir, port);

      send(bootstrap, 300, 600);
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> resultKeys(bootstrap).size() >= 600);
      assertEquals(600, resultKeys(bootstrap).size());
    } finally {
      kafka.close();
    }
  }
}
