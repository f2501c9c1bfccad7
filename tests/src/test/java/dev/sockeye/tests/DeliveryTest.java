package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.cli.Main;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Ordering, retries, dead letters, batching and exactly-once on the real broker and real Python. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class DeliveryTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static SockeyeService service;

  @BeforeAll
  static void startService() {
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON), Clock.systemUTC());
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  private static void deploy(String name, String topic, String yaml, String python) {
    Path dir = TestFunctions.write(functions, name, topic, "", python);
    try {
      java.nio.file.Files.writeString(dir.resolve("function.yaml"), "name: " + name + "\n" + yaml);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void poisonRecordIsDeadLetteredWithItsHeadersWhileOtherKeysKeepFlowing() throws Exception {
    Cluster.createTopic("poison-in", 1);
    deploy("poison", "poison-in", """
        concurrency: 4
        triggers:
          kafka:
            topics: [poison-in]
            ordering: key
            max_attempts: 4
            backoff_initial_ms: 400
            backoff_max_ms: 400
        """, "def f(event):\n    if event['value'].get('poison'):\n        raise ValueError('cannot digest %d' % event['offset'])\n    return event['value']['i']\n");
    List<String> values = new ArrayList<>();
    values.add("{\"poison\": true, \"i\": 0}");
    for (int i = 1; i <= 40; i++) {
      values.add("{\"i\": " + i + "}");
    }
    Cluster.send("poison-in", 0, Cluster.json(values)); // keys k0..k40: the poison record's key is k0

    List<InvocationResult> results = Cluster.results("poison-in.results", 41);
    InvocationResult poison = results.stream().filter(r -> r.getOffset() == 0).findFirst().orElseThrow();
    long okBeforePoison = results.subList(0, results.indexOf(poison)).stream().filter(r -> r.getStatus() == Status.OK).count();

    assertEquals(40, okBeforePoison, "other keys must not wait for the poison record's three retries (>= 1.2 s)");
    assertEquals(Status.ERROR, poison.getStatus());
    assertEquals(4, poison.getAttempt());
    var dead = TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of("poison-in.dlq"), 1, Duration.ofSeconds(30), false);
    assertEquals(1, dead.size());
    ConsumerRecord<byte[], byte[]> d = dead.get(0);
    assertEquals("k0", new String(d.key(), StandardCharsets.UTF_8));
    assertEquals(values.get(0), new String(d.value(), StandardCharsets.UTF_8));
    assertEquals("poison", header(d, DeadLetters.FUNCTION));
    assertEquals("4", header(d, DeadLetters.ATTEMPTS));
    assertEquals("ValueError", header(d, DeadLetters.ERROR_TYPE));
    assertEquals("cannot digest 0", header(d, DeadLetters.ERROR_MESSAGE));
    assertEquals("poison-in", header(d, DeadLetters.TOPIC));
    assertEquals("0", header(d, DeadLetters.PARTITION));
    assertEquals("0", header(d, DeadLetters.OFFSET));
    assertEquals(Long.toString(d.timestamp()), header(d, DeadLetters.TIMESTAMP).isEmpty() ? "" : Long.toString(d.timestamp()));
    assertEquals("poison-in-0-0", header(d, DeadLetters.IDEMPOTENCY_KEY));
    assertTrue(java.time.Instant.parse(header(d, DeadLetters.FIRST_FAILURE)).isBefore(java.time.Instant.now()));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertEquals(Cluster.endOffsets("poison-in"), Cluster.committed("sockeye-poison", "poison-in")));
  }

  @Test
  void recordTheHandlerCannotDecodeFollowsTheRetryAndDeadLetterPath() throws Exception {
    Cluster.createTopic("undecodable-in", 1);
    deploy("undecodable", "undecodable-in", """
        triggers:
          kafka:
            topics: [undecodable-in]
            max_attempts: 2
            backoff_initial_ms: 10
        """, "def f(event):\n    return event['value']['n'] + 1\n");
    Cluster.send("undecodable-in", 0, List.of(new byte[] {(byte) 0xff, 1, 2}, "{\"n\": 1}".getBytes()));

    List<InvocationResult> results = Cluster.results("undecodable-in.results", 2);
    var dead = TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of("undecodable-in.dlq"), 1, Duration.ofSeconds(30), false);

    InvocationResult bad = results.stream().filter(r -> r.getOffset() == 0).findFirst().orElseThrow();
    assertEquals(Status.ERROR, bad.getStatus());
    assertEquals("TypeError", bad.getErrorType());
    assertEquals(1, dead.size());
    assertEquals("2", header(dead.get(0), DeadLetters.ATTEMPTS));
    assertEquals("2", Cluster.output(results.stream().filter(r -> r.getOffset() == 1).findFirst().orElseThrow()));
  }

  @Test
  void keyOrderingKeepsEveryKeyInOffsetOrderAndRunsKeysInParallel() throws Exception {
    Cluster.createTopic("keyed-in", 3);
    deploy("keyed", "keyed-in", """
        concurrency: 16
        triggers:
          kafka:
            topics: [keyed-in]
            ordering: key
            max_in_flight: 64
        """, "import random, time\ndef f(event):\n    time.sleep(random.random() * 0.010)\n    return event['value']['i']\n");
    long start = System.nanoTime();
    Cluster.sendMany("keyed-in", 10_000, 50);

    List<InvocationResult> results = Cluster.results("keyed-in.results", 10_000);
    double wallMs = (System.nanoTime() - start) / 1e6;

    assertEquals(10_000, results.size());
    Map<String, List<InvocationResult>> byKey = results.stream().collect(Collectors.groupingBy(r -> StandardCharsets.UTF_8.decode(r.getKey().duplicate()).toString()));
    assertEquals(50, byKey.size());
    byKey.forEach((key, list) -> {
      List<Long> offsets = list.stream().map(InvocationResult::getOffset).toList();
      assertEquals(offsets.stream().sorted().toList(), offsets, "results of key " + key + " out of offset order");
    });
    double serialMs = results.stream().mapToLong(r -> r.getTimings().getHandlerUs()).sum() / 1000.0;
    assertTrue(wallMs < serialMs / 2, "wall " + wallMs + " ms is not well under the serial handler sum " + serialMs + " ms");
  }

  @Test
  void batchHandlerGetsListsAndOnlyItsFailedItemsAreRetried() throws Exception {
    Cluster.createTopic("batched-in", 1);
    deploy("batched", "batched-in", """
        concurrency: 1
        triggers:
          kafka:
            topics: [batched-in]
            ordering: none
            batch_size: 10
            batch_window_ms: 50
            backoff_initial_ms: 10
        """, """
        seen = {}  # per instance: concurrency 1 keeps every batch on one
        def handler(events, context):
            failures = []
            for e in events:
                seen[e['offset']] = seen.get(e['offset'], 0) + 1
                if e['offset'] % 7 == 3 and seen[e['offset']] == 1:
                    failures.append({'itemIdentifier': '%s-%d-%d' % (e['topic'], e['partition'], e['offset'])})
            return {'batchItemFailures': failures, 'results': [{'size': len(events), 'seen': seen[e['offset']]} for e in events]}
        """);
    Cluster.sendMany("batched-in", 100, 5);

    List<InvocationResult> results = Cluster.results("batched-in.results", 100);

    assertEquals(100, results.size());
    assertTrue(results.stream().allMatch(r -> r.getStatus() == Status.OK), "failed items succeed on their retry");
    for (InvocationResult r : results) {
      int expectedAttempt = r.getOffset() % 7 == 3 ? 2 : 1;
      assertEquals(expectedAttempt, r.getAttempt(), "offset " + r.getOffset());
    }
    assertTrue(results.stream().anyMatch(r -> Cluster.output(r).contains("\"size\": 10")), "records arrive in batches of batch_size");
  }

  @Test
  void batchInPartitionOrderingFinishesRecordsInOffsetOrderAcrossRetries() throws Exception {
    Cluster.createTopic("ordered-batch-in", 1);
    deploy("ordered-batch", "ordered-batch-in", """
        concurrency: 1
        triggers:
          kafka:
            topics: [ordered-batch-in]
            batch_size: 10
            batch_window_ms: 50
            backoff_initial_ms: 10
        """, """
        import time
        seen = set()  # per instance: concurrency 1 keeps every batch on one
        def handler(events, context):
            failures, results = [], []
            for e in events:
                if e['offset'] % 7 == 3 and e['offset'] not in seen:
                    seen.add(e['offset'])
                    failures.append({'itemIdentifier': '%s-%d-%d' % (e['topic'], e['partition'], e['offset'])})
                    results.append(None)
                else:
                    results.append({'done': time.monotonic_ns()})  # one clock for all instances
            return {'batchItemFailures': failures, 'results': results}
        """);
    Cluster.sendMany("ordered-batch-in", 100, 5);

    List<InvocationResult> results = new ArrayList<>(Cluster.results("ordered-batch-in.results", 100));
    results.sort(Comparator.comparingLong(InvocationResult::getOffset));

    assertEquals(100, results.size());
    assertTrue(results.stream().allMatch(r -> r.getStatus() == Status.OK), "failed items succeed on their retry");
    long previous = 0;
    for (InvocationResult r : results) {
      long done = Long.parseLong(Cluster.output(r).replaceAll("\\D", ""));
      assertTrue(done > previous, "offset " + r.getOffset() + " finished (at " + done + ") before the offset before it (at " + previous
          + "): a later record of the batch overtook a retrying one");
      previous = done;
      if (r.getOffset() % 7 != 3) {
        assertEquals(1, r.getAttempt(), "offset " + r.getOffset() + " never failed: its held-back runs are not attempts");
      }
    }
    // A failure behind an earlier failure of its batch is held back before its own failure counts.
    assertTrue(results.stream().anyMatch(r -> r.getAttempt() == 2), "a failed record's retry is its second attempt");
  }

  @Test
  void exactlyOnceReaderSeesOneResultPerInput() throws Exception {
    Cluster.createTopic("eos-in", 3);
    deploy("eos", "eos-in", """
        triggers:
          kafka:
            topics: [eos-in]
            delivery: exactly-once
        """, "def f(event):\n    return event['value']['i']\n");
    Cluster.sendMany("eos-in", 1000, 20);

    Map<String, Integer> counts = Cluster.resultCounts("eos-in.results", 1000, Duration.ofSeconds(60), true);

    assertEquals(1000, counts.size());
    assertTrue(counts.values().stream().allMatch(n -> n == 1), "duplicates: " + counts);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertEquals(Cluster.endOffsets("eos-in"), Cluster.committed("sockeye-eos", "eos-in")));
  }

  @Test
  void invalidBindingSettingFailsAtDeployNamingTheField() {
    Path dir = TestFunctions.write(functions, "badbinding", "x-in", "", "def f(e):\n    return 1\n");
    StringWriter err = new StringWriter();
    try {
      java.nio.file.Files.writeString(dir.resolve("function.yaml"),
          "name: badbinding\ntriggers:\n  kafka:\n    topics: [x-in]\n    ordering: sorted\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int code = Main.run(new PrintWriter(err, true), "deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap());
    assertEquals(1, code);
    assertTrue(err.toString().contains("badbinding/function.yaml") && err.toString().contains("field 'triggers.kafka.ordering'"), err.toString());
  }
}
