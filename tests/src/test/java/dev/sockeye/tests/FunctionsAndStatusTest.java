package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.service.Isolation;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockeye functions} and {@code sockeye status} through the real Main on the real broker. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class FunctionsAndStatusTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path work;

  private static Cli.Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap-servers", SharedKafka.bootstrap()));
    return Cli.run(all.toArray(String[]::new));
  }

  private static List<JsonNode> functionsJson() throws Exception {
    Cli.Run r = cli("functions", "--json");
    assertEquals(0, r.code(), r.err());
    return StreamSupport.stream(JSON.readTree(r.out()).spliterator(), false).toList();
  }

  @Test
  void functionsListsWhatIsDeployedAndForgetsWhatWasUndeployed() throws Exception {
    Path kept = TestFunctions.write(work, "listed-kept", "listed-in", "    delivery: exactly-once\n", "def f(e):\n    return 1\n");
    Path gone = TestFunctions.write(work, "listed-gone", "listed-in", "", "def f(e):\n    return 2\n");
    Instant before = Instant.now().minusSeconds(1);
    Cli.Run deployed = cli("deploy", kept.toString(), gone.toString());
    assertEquals(0, deployed.code(), deployed.err());
    assertEquals(0, cli("undeploy", "listed-gone").code());

    List<JsonNode> fns = functionsJson();
    assertTrue(fns.stream().noneMatch(f -> f.path("name").asText().equals("listed-gone")), fns.toString());
    JsonNode f = fns.stream().filter(n -> n.path("name").asText().equals("listed-kept")).findFirst().orElseThrow();
    assertTrue(deployed.out().contains("deployed listed-kept version " + f.path("version").asText().substring(0, 12)), deployed.out());
    assertEquals(64, f.path("version").asText().length());
    assertEquals("[\"listed-in\"]", f.path("topics").toString());
    assertEquals("exactly-once", f.path("delivery").asText());
    assertTrue(Instant.parse(f.path("deployed_at").asText()).isAfter(before));

    Cli.Run table = cli("functions");
    assertTrue(table.out().startsWith("NAME"), table.out());
    assertTrue(table.out().lines().anyMatch(l -> l.startsWith("listed-kept") && l.contains("listed-in") && l.contains("exactly-once")),
        table.out());
    assertFalse(table.out().contains("listed-gone"), table.out());
  }

  @Test
  void statusDropsAServiceThatStoppedCleanly() throws Exception {
    Path dataDir = work.resolve("data");
    SockeyeService service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, Path.of("/usr/bin/python3"))
        .withIsolation(new Isolation(true, Path.of("/"), List.of())), Clock.systemUTC());
    String id = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> cli("status").out().contains("service " + id + " (reported"));
    } finally {
      service.close();
    }
    Cli.Run after = cli("status", "--json");
    assertEquals(0, after.code(), after.err());
    assertFalse(after.out().contains("\"service\":\"" + id + "\""), after.out());
  }

  @Test
  void statusOmitsAServiceNotHeardFromWithinMaxAge() throws Exception {
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), "test"))) {
      p.send(report("killed-service", now - 60_000));
      p.send(report("live-service", now));
      p.flush();
      Cli.Run r = cli("status");
      assertTrue(r.out().contains("service live-service (reported"), r.out());
      assertFalse(r.out().contains("killed-service"), r.out());
      assertTrue(r.out().contains("service(s) not heard from in 30 s omitted"), r.out());
      Cli.Run longer = cli("status", "--max-age", "2m");
      assertTrue(longer.out().contains("service killed-service (reported "), longer.out() + longer.err());
      p.send(new ProducerRecord<>("sockeye.status", "live-service".getBytes(StandardCharsets.UTF_8), null));
      p.send(new ProducerRecord<>("sockeye.status", "killed-service".getBytes(StandardCharsets.UTF_8), null));
    }
  }

  private static ProducerRecord<byte[], byte[]> report(String service, long at) {
    String doc = "{\"service\":\"" + service + "\",\"at\":" + at + ",\"functions\":{},\"zygotes\":[],\"package_store_bytes\":0}";
    return new ProducerRecord<>("sockeye.status", service.getBytes(StandardCharsets.UTF_8), doc.getBytes(StandardCharsets.UTF_8));
  }
}
