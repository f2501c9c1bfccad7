package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.service.MetricsSettings;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /metrics, /healthz and /readyz of a real service on the real broker, with real sandboxes and Python. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class MonitoringTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String FAILING = """
      def handler(event, context):
          if event['value'].get('fail'):
              raise ValueError('boom')
          return event['value']['i']
      """;

  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static SockeyeService service;
  private static int port;

  @BeforeAll
  static void startService() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON),
        new MetricsSettings("127.0.0.1", port), Clock.systemUTC());
    System.out.println("MonitoringTest: metrics on port " + port);
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  private static void deploy(String name, String topic, String yaml, String python) {
    Path dir = TestFunctions.write(functions, name, topic, yaml, python);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
  }

  /** Twenty events, the fifth of which fails twice and is dead-lettered. */
  private static List<byte[]> twentyWithOneFailure() {
    return Cluster.json(IntStream.range(0, 20).mapToObj(i -> i == 4 ? "{\"fail\": true, \"i\": 4}" : "{\"i\": " + i + "}").toList());
  }

  @Test
  void everyMetricIsServedWithItsLabelsAndPlausibleValues() throws Exception {
    Cluster.createTopic("metered-in", 1);
    deploy("metered", "metered-in", """
        triggers:
          kafka:
            topics: [metered-in]
            max_attempts: 2
            backoff_initial_ms: 10
        """, FAILING);
    Cluster.createTopic("metered-eo-in", 1);
    deploy("metered-eo", "metered-eo-in", """
        triggers:
          kafka:
            topics: [metered-eo-in]
            delivery: exactly-once
        """, "def handler(event, context):\n    return event['value']['i']\n");
    Cluster.send("metered-in", 0, twentyWithOneFailure());
    Cluster.send("metered-eo-in", 0, Cluster.json(List.of("{\"i\": 1}", "{\"i\": 2}")));

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Scrape s = Scrape.of(port);
      assertEquals(19, s.value("sockeye_records_completed_total", "function", "metered", "outcome", "result"));
      assertEquals(1, s.value("sockeye_records_completed_total", "function", "metered", "outcome", "dead_letter"));
      assertEquals(0, s.value("sockeye_consumer_lag_records", "group", "sockeye-metered", "topic", "metered-in", "partition", "0"));
      assertTrue(s.value("sockeye_transactions_total", "function", "metered-eo", "result", "committed") >= 1);
      String[] eo = {"group", "sockeye-metered-eo", "topic", "metered-eo-in", "partition", "0"};
      assertEquals(2, s.value("sockeye_consumer_committed_offset", eo), "offsets committed in transactions count too");
      assertEquals(0, s.value("sockeye_consumer_lag_records", eo));
    });
    Scrape s = Scrape.of(port);
    String f = "metered";
    assertEquals(2, s.value("sockeye_invocations_total", "function", f, "status", "ERROR"), "the failing record ran twice");
    assertEquals(19, s.value("sockeye_invocations_total", "function", f, "status", "OK"));
    assertTrue(s.value("sockeye_invocations_total", "function", f, "status", "OK", "start_kind", "ZYGOTE") >= 1);
    assertEquals(1, s.value("sockeye_retries_total", "function", f));
    assertEquals(1, s.value("sockeye_dead_letters_total", "function", f, "reason", "max_attempts"));
    assertEquals(20, s.value("sockeye_event_to_result_seconds_count", "function", f));
    assertEquals(20, s.value("sockeye_event_to_result_seconds_bucket", "function", f, "le", "+Inf"));
    assertTrue(s.value("sockeye_event_to_result_seconds_sum", "function", f) > 0);
    for (String phase : List.of("queued", "handler", "publish")) {
      assertTrue(s.value("sockeye_phase_seconds_count", "function", f, "phase", phase) >= 20, phase);
    }
    for (String phase : List.of("sandbox", "fork", "import")) {
      assertTrue(s.value("sockeye_phase_seconds_count", "function", f, "phase", phase) >= 1, phase);
    }
    assertTrue(s.value("sockeye_instance_starts_total", "function", f, "start_kind", "ZYGOTE") >= 1);
    assertTrue(s.value("sockeye_cold_start_seconds_count", "function", f, "start_kind", "ZYGOTE") >= 1);
    assertTrue(s.value("sockeye_cold_start_seconds_sum", "function", f, "start_kind", "ZYGOTE") > 0);
    double instances = 0;
    for (String state : List.of("busy", "idle", "frozen")) {
      instances += s.value("sockeye_instances", "function", f, "state", state);
    }
    assertTrue(instances >= 1, "the function's instance is busy, idle or frozen");
    assertEquals(0, s.value("sockeye_invocations_in_flight", "function", f));
    assertTrue(s.value("sockeye_zygote_nodes") >= 1);
    assertTrue(s.value("sockeye_zygote_memory_bytes") > 0);
    assertEquals(2048.0 * 1024 * 1024, s.value("sockeye_zygote_memory_budget_bytes"));
    assertTrue(s.value("sockeye_zygote_lookups_total") >= 1);
    assertEquals(3, s.find("sockeye_zygote_lookups_total").size(), "best, ancestor and root");
    assertTrue(s.value("sockeye_package_store_bytes") >= 0);
    assertTrue(s.value("sockeye_sandbox_create_seconds_count") >= 1);
    s.value("sockeye_sandbox_destroy_seconds_count");
    String[] tp = {"group", "sockeye-metered", "topic", "metered-in", "partition", "0"};
    assertEquals(0, s.value("sockeye_consumer_lag_seconds", tp));
    assertEquals(20, s.value("sockeye_consumer_committed_offset", tp));
    assertEquals(20, s.value("sockeye_consumer_end_offset", tp));
    assertEquals(1, s.value("sockeye_partitions_assigned", "group", "sockeye-metered", "topic", "metered-in"));
    assertEquals(0, s.value("sockeye_partitions_paused", "group", "sockeye-metered", "topic", "metered-in"));
    assertTrue(s.value("sockeye_rebalances_total", "group", "sockeye-metered") >= 1);
    assertEquals(0, s.value("sockeye_transactions_total", "function", "metered-eo", "result", "aborted"));
    assertTrue(s.value("kafka_consumer_fetch_manager_records_consumed_total") >= 20, "the binding consumers' client metrics");
    assertTrue(s.value("kafka_producer_record_send_total") >= 20, "the results producer's client metrics");
    assertTrue(s.value("jvm_memory_used_bytes") > 0);
    assertTrue(s.value("jvm_threads_live_threads") > 0);
    assertTrue(s.value("jvm_classes_loaded_classes") > 0);
    s.value("jvm_gc_memory_allocated_bytes_total");
    s.value("process_cpu_usage");
    assertTrue(s.value("process_uptime_seconds") > 0);
    assertTrue(s.value("process_files_open_files") > 0);
    assertEquals(1, s.value("sockeye_build_info", "java_version", System.getProperty("java.version")));
    assertEquals(1, s.find("sockeye_build_info").get(0).labels().keySet().stream().filter("version"::equals).count());
  }

  @Test
  void readyzAnswers503UntilTheBindingJoinsItsGroupThen200() throws Exception {
    assertEquals(200, Scrape.get(port, "/healthz").status());
    Cluster.createTopic("squatted-in", 1);
    // A member that speaks only another assignment protocol keeps the binding out of its group.
    Map<String, Object> c = KafkaClients.consumerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), "sockeye-squatted", "squatter");
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
    try (KafkaConsumer<byte[], byte[]> squatter = new KafkaConsumer<>(c)) {
      squatter.subscribe(List.of("squatted-in"));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        squatter.poll(Duration.ofMillis(100));
        return !squatter.assignment().isEmpty();
      });
      deploy("squatted", "squatted-in", "", "def handler(event, context):\n    return 1\n");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        Scrape.Response r = Scrape.get(port, "/readyz");
        assertEquals(503, r.status());
        assertEquals("not ready: binding of squatted has not joined its consumer group yet\n", r.body());
      });
    }
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(new Scrape.Response(200, "ready\n"), Scrape.get(port, "/readyz")));
  }

  @Test
  void labelSetsStayBoundedWithAThousandDistinctKeys() throws Exception {
    Cluster.createTopic("keys-in", 2);
    deploy("keys", "keys-in", "concurrency: 4\n" + """
        triggers:
          kafka:
            topics: [keys-in]
            max_attempts: 2
            backoff_initial_ms: 10
        """, FAILING);
    Cluster.send("keys-in", null, twentyWithOneFailure());
    await().atMost(Duration.ofSeconds(60)).until(() -> Scrape.of(port).value("sockeye_records_completed_total", "function", "keys") == 20);
    // the binding's partition series (lag, offsets, assigned, paused) are reported once a second: wait for them
    await().atMost(Duration.ofSeconds(30)).until(() -> sockeyeSeries(Scrape.of(port)).stream()
        .filter(x -> x.startsWith("sockeye_consumer_lag_seconds{group=sockeye-keys")).count() == 2);
    Set<String> before = sockeyeSeries(Scrape.of(port));

    Cluster.send("keys-in", null, Cluster.json(IntStream.range(0, 1000).mapToObj(i -> "{\"i\": " + i + "}").toList())); // keys k0..k999
    await().atMost(Duration.ofSeconds(120)).until(() -> Scrape.of(port).value("sockeye_records_completed_total", "function", "keys") == 1020);
    Scrape after = Scrape.of(port);

    Set<String> added = sockeyeSeries(after);
    added.removeAll(before);
    assertTrue(added.size() <= 4, "a thousand keys added series: " + added);
    List<String> withKeys = new ArrayList<>();
    after.series().forEach(s -> s.labels().values().stream().filter(v -> v.matches("k\\d+")).forEach(v -> withKeys.add(s.name() + s.labels())));
    assertEquals(List.of(), withKeys, "no label holds a record key");
  }

  private static Set<String> sockeyeSeries(Scrape s) {
    return s.series().stream().filter(x -> x.name().startsWith("sockeye_")).map(x -> x.name() + x.labels()).collect(Collectors.toSet());
  }
}
