package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sockeye replay} through the real CLI, on the real broker and real sandboxed Python, while
 * the function's live binding runs in a service: ranges give exactly their records, files and dead
 * letters run with their coordinates, a killed replay resumes, and the live group's offsets never move.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class ReplayTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  private static final String BATCHED = "def f(events):\n    return [e['value'] for e in events]\n";
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

  private static void deploy(String name, String topic, String extraKafka, String python) throws Exception {
    Path dir = TestFunctions.write(functions, name, topic, "", python);
    Files.writeString(dir.resolve("function.yaml"), "name: " + name + "\nconcurrency: 2\ntriggers:\n  kafka:\n    topics: [" + topic + "]\n"
        + "    batch_size: 100\n    batch_window_ms: 5\n" + extraKafka);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
  }

  /** Runs the CLI in this JVM; returns its exit code, stdout and stderr. */
  record Run(int code, String out, String err) {}

  static synchronized Run replay(String... args) {
    List<String> all = new ArrayList<>(List.of("replay"));
    all.addAll(List.of(args));
    all.addAll(List.of("--bootstrap-servers", SharedKafka.bootstrap(), "--data-dir", dataDir.toString(), "--progress-interval-s", "1"));
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(new PrintWriter(err, true), all.toArray(String[]::new));
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(stdout);
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static void awaitLiveCaughtUp(String group, String topic) throws Exception {
    Map<Integer, Long> end = Cluster.endOffsets(topic);
    await().atMost(Duration.ofSeconds(90)).until(() -> Cluster.committed(group, topic).equals(end));
  }

  @Test
  void exactOffsetRangeOf10000RecordsGivesExactlyThoseResultsAndLeavesTheLiveGroupAlone() throws Exception {
    Cluster.createTopic("rp-range-in", 2);
    deploy("rp-range", "rp-range-in", "", BATCHED);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 12_000; i++) {
      values.add("{\"i\": " + i + "}");
    }
    Cluster.send("rp-range-in", 0, Cluster.json(values));
    Cluster.send("rp-range-in", 1, Cluster.json(values.subList(0, 500)));
    awaitLiveCaughtUp("sockeye-rp-range", "rp-range-in");
    Map<Integer, Long> liveBefore = Cluster.committed("sockeye-rp-range", "rp-range-in");
    int liveResults = Cluster.allResults("rp-range-in.results").size();

    Run run = replay("rp-range", "--topic", "rp-range-in", "--partitions", "0", "--from", "1234", "--to", "11234", "--name", "range1");

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("replay complete: 10,000 of 10,000"), run.out());
    List<ConsumerRecord<byte[], byte[]>> results = TopicReader.readAll(SharedKafka.connection(), List.of("rp-range-in.results.replay.range1"),
        Duration.ofSeconds(30));
    List<Long> offsets = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : results) {
      InvocationResult res = AvroBytes.RESULT.decode(r.value());
      assertEquals("range1", header(r, "sockeye.replay"));
      assertEquals(Status.OK, res.getStatus());
      assertEquals("rp-range-in", res.getTopic());
      assertEquals(0, res.getPartition());
      assertEquals("{\"i\":" + res.getOffset() + "}", Cluster.output(res).replaceAll("\\s", ""));
      offsets.add(res.getOffset());
    }
    assertEquals(10_000, offsets.size(), "one result per record of the range");
    assertEquals(new TreeSet<>(offsets), java.util.stream.LongStream.range(1234, 11_234).boxed().collect(Collectors.toCollection(TreeSet::new)));
    assertEquals(liveBefore, Cluster.committed("sockeye-rp-range", "rp-range-in"), "the live group's offsets moved");
    assertEquals(liveResults, Cluster.allResults("rp-range-in.results").size(), "the replay wrote to the live result topic");
    assertEquals(Map.of(0, 11_234L), Cluster.committed("sockeye-replay-range1", "rp-range-in"));

    // 10,000 records are 20 whole polls (max.poll.records 500): this range ends inside a poll
    Run odd = replay("rp-range", "--topic", "rp-range-in", "--partitions", "1", "--from", "100", "--to", "333", "--name", "range2");

    assertEquals(0, odd.code(), odd.err() + odd.out());
    List<Long> oddOffsets = Cluster.allResults("rp-range-in.results.replay.range2").stream().map(InvocationResult::getOffset).sorted().toList();
    assertEquals(java.util.stream.LongStream.range(100, 333).boxed().toList(), oddOffsets);
    assertEquals(liveBefore, Cluster.committed("sockeye-rp-range", "rp-range-in"), "the live group's offsets moved");
  }

  @Test
  void timeRangeReplaysTheRecordsStampedWithinIt() throws Exception {
    Cluster.createTopic("rp-time-in", 1);
    deploy("rp-time", "rp-time-in", "", BATCHED);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    try (var p = new KafkaProducer<byte[], byte[]>(KafkaClients.producerConfig(SharedKafka.connection(), "test"))) {
      for (int i = 0; i < 100; i++) {
        p.send(new ProducerRecord<>("rp-time-in", 0, t0.plusSeconds(i).toEpochMilli(), null, ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
    }

    Run run = replay("rp-time", "--topic", "rp-time-in", "--from", t0.plusSeconds(20).toString(), "--to", t0.plusSeconds(50).toString(),
        "--name", "time1");

    assertEquals(0, run.code(), run.err() + run.out());
    Set<Long> offsets = Cluster.allResults("rp-time-in.results.replay.time1").stream().map(InvocationResult::getOffset).collect(Collectors.toSet());
    assertEquals(java.util.stream.LongStream.range(20, 50).boxed().collect(Collectors.toSet()), offsets);
  }

  @Test
  void malformedLineOfAFileIsDeadLetteredWithItsLineNumberAndTheOthersRun() throws Exception {
    Cluster.createTopic("rp-file-in", 1);
    deploy("rp-file", "rp-file-in", "", BATCHED);
    Path file = functions.resolve("events.jsonl");
    Files.writeString(file, """
        {"i": 1}
        {"i": 2}
        {"i": 3, oops
        
        {"key": "k5", "value": {"i": 5}, "headers": {"h": "v"}}
        """);

    Run run = replay("rp-file", "--file", file.toString(), "--name", "file1");

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("warning: " + file + ":3: not JSON"), run.out());
    Map<Long, InvocationResult> byLine = Cluster.allResults("rp-file-in.results.replay.file1").stream()
        .collect(Collectors.toMap(InvocationResult::getOffset, r -> r));
    assertEquals(Set.of(1L, 2L, 5L), byLine.keySet(), "one result per good line, its offset the line number");
    assertEquals("rp-file-in", byLine.get(1L).getTopic());
    assertEquals("k5", StandardCharsets.UTF_8.decode(byLine.get(5L).getKey()).toString());
    var dead = TopicReader.readAll(SharedKafka.connection(), List.of("rp-file-in.dlq.replay.file1"), Duration.ofSeconds(30));
    assertEquals(1, dead.size());
    assertEquals("3", header(dead.get(0), "sockeye.replay.line"));
    assertEquals("{\"i\": 3, oops", new String(dead.get(0).value(), StandardCharsets.UTF_8));
    assertTrue(run.out().contains("dead letters: 1"), run.out());
  }

  @Test
  void deadLettersThatNowSucceedRunAsTheirOriginalRecordsAndCanBeRedrivenToTheirSource() throws Exception {
    Cluster.createTopic("rp-dlq-in", 2);
    String failing = "def f(events):\n    for e in events:\n        if e['value'].get('bad'):\n            raise ValueError('bad')\n"
        + "    return [e['value'] for e in events]\n";
    deploy("rp-dlq", "rp-dlq-in", "    max_attempts: 1\n", failing);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      values.add(i % 5 == 0 ? "{\"bad\": true, \"i\": " + i + "}" : "{\"i\": " + i + "}");
    }
    Cluster.send("rp-dlq-in", 1, Cluster.json(values));
    await().atMost(Duration.ofSeconds(60)).until(() -> TopicReader.readAll(SharedKafka.connection(), List.of("rp-dlq-in.dlq"), Duration.ofSeconds(5)).size() >= 4);
    // batch_size 100: one failing record fails its whole batch, so every record of a failed batch is a dead letter
    List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readAll(SharedKafka.connection(), List.of("rp-dlq-in.dlq"), Duration.ofSeconds(10));
    Set<Long> deadOffsets = dead.stream().map(r -> Long.parseLong(header(r, "sockeye.original.offset"))).collect(Collectors.toSet());
    deploy("rp-dlq", "rp-dlq-in", "    max_attempts: 1\n", BATCHED); // fixed

    Run run = replay("rp-dlq", "--dead-letters", "rp-dlq-in.dlq", "--name", "dlq1");

    assertEquals(0, run.code(), run.err() + run.out());
    List<InvocationResult> results = Cluster.allResults("rp-dlq-in.results.replay.dlq1");
    assertEquals(deadOffsets, results.stream().map(InvocationResult::getOffset).collect(Collectors.toSet()));
    for (InvocationResult r : results) {
      assertEquals(Status.OK, r.getStatus());
      assertEquals("rp-dlq-in", r.getTopic());
      assertEquals(1, r.getPartition());
      assertEquals("rp-dlq-in-1-" + r.getOffset(), r.getIdempotencyKey());
    }

    int liveBefore = Cluster.allResults("rp-dlq-in.results").size();
    Run redrive = replay("rp-dlq", "--dead-letters", "rp-dlq-in.dlq", "--redrive-to-source", "--name", "dlq2");

    assertEquals(0, redrive.code(), redrive.err() + redrive.out());
    await().atMost(Duration.ofSeconds(60)).until(() -> Cluster.allResults("rp-dlq-in.results").size() == liveBefore + dead.size());
    List<ConsumerRecord<byte[], byte[]>> copies = TopicReader.readAll(SharedKafka.connection(), List.of("rp-dlq-in"), Duration.ofSeconds(10))
        .stream().filter(r -> header(r, "sockeye.redriven_from") != null).toList();
    assertEquals(dead.size(), copies.size());
    copies.forEach(c -> assertEquals(1, c.partition()));
    copies.forEach(c -> assertEquals(null, header(c, "sockeye.error.type"), "dead-letter headers are not copied back"));
  }

  @Test
  void replaySigkilledMidwayAndRunAgainUnderItsNameLosesNothing() throws Exception {
    Cluster.createTopic("rp-kill-in", 2);
    deploy("rp-kill", "rp-kill-in", "", BATCHED);
    Cluster.sendMany("rp-kill-in", 8_000, 50);
    awaitLiveCaughtUp("sockeye-rp-kill", "rp-kill-in");
    Map<Integer, Long> liveBefore = Cluster.committed("sockeye-rp-kill", "rp-kill-in");
    String results = "rp-kill-in.results.replay.kill1";

    try (ChildService child = ChildService.command(dataDir, "replay-kill1.log", "replay", "rp-kill", "--topic", "rp-kill-in",
        "--name", "kill1", "--rate", "1000", "--bootstrap-servers", SharedKafka.bootstrap(), "--data-dir", dataDir.toString())) {
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> Cluster.endOffsets(results).values().stream().mapToLong(Long::longValue).sum() >= 2_000);
      child.kill9();
      long done = Cluster.endOffsets(results).values().stream().mapToLong(Long::longValue).sum();
      assertTrue(done < 8_000, "the replay finished before it was killed (" + done + " results); log: " + child.log());
    }
    assertEquals(liveBefore, Cluster.committed("sockeye-rp-kill", "rp-kill-in"), "the live group's offsets moved");

    Run resumed = replay("rp-kill", "--topic", "rp-kill-in", "--name", "kill1");

    assertEquals(0, resumed.code(), resumed.err() + resumed.out());
    assertTrue(resumed.out().contains("resuming replay kill1"), resumed.out());
    Map<String, Integer> counts = Cluster.resultCounts(results, 8_000, Duration.ofSeconds(30), false);
    assertEquals(8_000, counts.size(), "inputs without a replay result");
    assertEquals(liveBefore, Cluster.committed("sockeye-rp-kill", "rp-kill-in"), "the live group's offsets moved");
  }

  @Test
  void dryRunPrintsThePlanAndRunsNothing() throws Exception {
    Cluster.createTopic("rp-dry-in", 3);
    deploy("rp-dry", "rp-dry-in", "", BATCHED);
    Cluster.sendMany("rp-dry-in", 300, 30);
    awaitLiveCaughtUp("sockeye-rp-dry", "rp-dry-in");

    Run run = replay("rp-dry", "--topic", "rp-dry-in", "--dry-run", "--rate", "100/s", "--name", "dry1");

    assertEquals(0, run.code(), run.err() + run.out());
    assertTrue(run.out().contains("total: 300 records"), run.out());
    assertTrue(run.out().contains("rp-dry-in-2"), run.out());
    assertTrue(run.out().contains("estimated time: 3.0 s"), run.out());
    assertTrue(Cluster.committed("sockeye-replay-dry1", "rp-dry-in").isEmpty(), "a dry run committed offsets");
    try (var admin = org.apache.kafka.clients.admin.Admin.create(KafkaClients.adminConfig(SharedKafka.connection()))) {
      assertFalse(admin.listTopics().names().get().contains("rp-dry-in.results.replay.dry1"), "a dry run created the result topic");
    }
  }

  @Test
  void badInputIsAUsageErrorNamingTheFlagOrFile() throws Exception {
    Cluster.createTopic("rp-bad-in", 1);
    deploy("rp-bad", "rp-bad-in", "", BATCHED);
    Cluster.sendMany("rp-bad-in", 10, 1);

    Run unknown = replay("no-such-function", "--topic", "rp-bad-in");
    Run backwards = replay("rp-bad", "--topic", "rp-bad-in", "--from", "8", "--to", "3");
    Run empty = replay("rp-bad", "--topic", "rp-bad-in", "--from", "5", "--to", "5");
    Run missing = replay("rp-bad", "--file", "/nonexistent/events.jsonl");
    Run badFrom = replay("rp-bad", "--topic", "rp-bad-in", "--from", "yesterday");
    Run badRate = replay("rp-bad", "--topic", "rp-bad-in", "--rate", "fast");

    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown function 'no-such-function'"), unknown.err());
    assertEquals(2, backwards.code());
    assertTrue(backwards.err().contains("--to 3 is before --from 8"), backwards.err());
    assertEquals(2, empty.code());
    assertTrue(empty.err().contains("empty range"), empty.err());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("--file /nonexistent/events.jsonl: no such file"), missing.err());
    assertEquals(2, badFrom.code());
    assertTrue(badFrom.err().contains("--from yesterday"), badFrom.err());
    assertEquals(2, badRate.code());
    assertTrue(badRate.err().contains("--rate fast"), badRate.err());
  }
}
