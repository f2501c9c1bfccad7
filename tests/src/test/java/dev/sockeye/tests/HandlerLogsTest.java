package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.HandlerLogKind;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.service.Isolation;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handler output through the whole path (CLI deploy, real broker, sandboxed service): each instance's stdout and
 * stderr reach sockeye.logs attributed to their function, instance and event, capped, and readable with
 * {@code sockeye logs}; an ERROR result carries the handler's traceback.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class HandlerLogsTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static SockeyeService service;

  @BeforeAll
  static void startService() {
    List<Path> hidden = SharedKafka.logDir() == null ? List.of() : List.of(SharedKafka.logDir());
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON)
        .withIsolation(new Isolation(false, Path.of("/"), hidden)), Clock.systemUTC());
  }

  @AfterAll
  static void stopService() {
    service.close();
  }

  /** Deploys {@code name} on topic {@code name-in}, sends {@code events} and returns their results. */
  private static List<InvocationResult> run(String name, String yaml, String python, List<String> events)
      throws Exception {
    String topic = name + "-in";
    Cluster.createTopic(topic, 1);
    Path dir = TestFunctions.write(functions, name, topic, yaml, python);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    Cluster.send(topic, 0, Cluster.json(events));
    List<InvocationResult> results = Cluster.results(topic + ".results", events.size());
    assertEquals(events.size(), results.size(), name + " got its results");
    return results;
  }

  private static List<HandlerLog> logs(String function) {
    return TopicReader.readAll(SharedKafka.connection(), List.of("sockeye.logs"), Duration.ofSeconds(30)).stream()
        .map(r -> AvroBytes.LOG.decode(r.value())).filter(l -> l.getFunction().equals(function)).toList();
  }

  /** Waits until {@code function} has a REPORT for each of {@code count} invocations; returns all its records. */
  private static List<HandlerLog> awaitReports(String function, int count) {
    List<List<HandlerLog>> seen = new ArrayList<>(List.of(List.of()));
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      seen.set(0, logs(function));
      return seen.get(0).stream().filter(l -> l.getKind() == HandlerLogKind.REPORT).count() >= count;
    });
    return seen.get(0);
  }

  private static List<String> texts(List<HandlerLog> logs, String key, HandlerLogKind kind) {
    return logs.stream().filter(l -> l.getKind() == kind && l.getIdempotencyKeys().equals(List.of(key)))
        .map(HandlerLog::getText).filter(t -> !t.equals("imported f")).toList();
  }

  private static String cli(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void linesOfTwoFunctionsSharingAZygoteAreAttributedToTheirOwnEvents() throws Exception {
    String python = """
        import sys
        print("imported %s" % __name__)
        def f(event):
            print("NAME out", event["value"]["n"])
            print("NAME err", event["value"]["n"], file=sys.stderr)
            return event["value"]["n"]
        """;
    List<String> events = IntStream.range(0, 4).mapToObj(i -> "{\"n\": " + i + "}").toList();
    run("logs-a", "concurrency: 1\n", python.replace("NAME", "alpha"), events);
    run("logs-b", "concurrency: 1\n", python.replace("NAME", "beta"), events);
    for (String function : List.of("logs-a", "logs-b")) {
      String name = function.equals("logs-a") ? "alpha" : "beta";
      List<HandlerLog> logs = awaitReports(function, 4);
      for (int i = 0; i < 4; i++) {
        String key = function + "-in-0-" + i;
        assertEquals(List.of(name + " out " + i), texts(logs, key, HandlerLogKind.STDOUT), function + " " + key);
        assertEquals(List.of(name + " err " + i), texts(logs, key, HandlerLogKind.STDERR), function + " " + key);
        HandlerLog report = logs.stream().filter(l -> l.getKind() == HandlerLogKind.REPORT
            && l.getIdempotencyKeys().equals(List.of(key))).findFirst().orElseThrow();
        assertEquals("OK", report.getReport().getStatus());
        // No assertion on max memory here: an instance forked from a spare whose hot pages were copied before it
        // joined its cgroup may charge nothing new to it, so the cgroup's peak can read 0 (an open gap of #14).
      }
      // f.py is imported while the first request is on its way, so its output goes to the instance or, when
      // it overlaps, to the first invocation (as Lambda shows init output before the first request's lines).
      List<HandlerLog> imported = logs.stream().filter(l -> l.getText().equals("imported f")).toList();
      assertEquals(1, imported.size(), logs.toString());
      List<String> importKeys = imported.get(0).getIdempotencyKeys();
      assertTrue(importKeys.isEmpty() || importKeys.equals(List.of(function + "-in-0-0")), importKeys.toString());
      assertTrue(logs.stream().noneMatch(l -> l.getText().contains(function.equals("logs-a") ? "beta" : "alpha")));
    }
  }

  @Test
  void keyPrintsExactlyOneEventsLines() throws Exception {
    String python = """
        def f(event):
            print("event", event["value"]["n"])
            return 1
        """;
    run("logs-key", "concurrency: 1\n", python, List.of("{\"n\": 0}", "{\"n\": 1}", "{\"n\": 2}"));
    awaitReports("logs-key", 3);
    String out = cli("logs", "logs-key", "--key", "logs-key-in-0-1", "--bootstrap-servers", SharedKafka.bootstrap());
    List<String> lines = out.lines().toList();
    assertEquals(2, lines.size(), out);
    assertTrue(lines.get(0).endsWith("[logs-key-in-0-1] stdout: event 1"), out);
    assertTrue(lines.get(1).contains("[logs-key-in-0-1] REPORT status=OK"), out);
  }

  @Test
  void longLinesAreCutAndOutputPastTheInvocationCapIsTruncated() throws Exception {
    String python = """
        import sys
        def f(event):
            print("y" * 20000)
            for i in range(40):
                sys.stdout.write("z" * 9999 + "\\n")   # 400,000 bytes: past the 256 KiB cap
            return 1
        """;
    run("logs-caps", "concurrency: 1\n", python, List.of("{}"));
    List<HandlerLog> logs = awaitReports("logs-caps", 1);
    List<HandlerLog> lines = logs.stream().filter(l -> l.getKind() == HandlerLogKind.STDOUT).toList();
    assertEquals(16 * 1024, lines.get(0).getText().length());
    assertTrue(lines.get(0).getCut(), "the first piece of the long line is marked cut");
    assertEquals(20000 - 16 * 1024, lines.get(1).getText().length());
    // Every uncut line but the last (a partial line, reported when the invocation ended) lost its newline.
    long kept = lines.stream().mapToLong(l -> l.getText().length() + (l.getCut() ? 0 : 1)).sum() - 1;
    assertEquals(256 * 1024, kept, "exactly the cap is kept");
    assertTrue(lines.get(lines.size() - 1).getText().length() < 9999, "the last line is the partial one");
    HandlerLog truncated = logs.stream().filter(l -> l.getKind() == HandlerLogKind.TRUNCATED).findFirst().orElseThrow();
    assertEquals(20001 + 400_000 - 256 * 1024, truncated.getDroppedBytes());
    assertEquals(List.of("logs-caps-in-0-0"), truncated.getIdempotencyKeys());

    run("logs-small", "concurrency: 1\nlogs_max_kb: 1\n", python, List.of("{}"));
    HandlerLog small = awaitReports("logs-small", 1).stream().filter(l -> l.getKind() == HandlerLogKind.TRUNCATED)
        .findFirst().orElseThrow();
    assertEquals(20001 + 400_000 - 1024, small.getDroppedBytes(), "function.yaml's logs_max_kb sets the cap");
  }

  @Test
  void anErrorResultCarriesTheTracebackWithTheHandlersFileAndLine() throws Exception {
    String python = """
        def helper(n):
            raise ValueError("bad n %d" % n)
        def f(event):
            return helper(event["value"]["n"])
        """;
    List<InvocationResult> results = run("logs-err", "concurrency: 1\n", python, List.of("{\"n\": 7}"));
    InvocationResult r = results.get(0);
    assertEquals(Status.ERROR, r.getStatus());
    assertTrue(r.getTraceback().contains("File \"/handler/f.py\", line 2, in helper"), r.getTraceback());
    assertTrue(r.getTraceback().contains("ValueError: bad n 7"), r.getTraceback());
    String results2 = cli("results", "--topic", "logs-err-in.results", "--max", "1", "--bootstrap-servers",
        SharedKafka.bootstrap());
    assertTrue(results2.contains("line 2, in helper"), "results shows the traceback: " + results2);
    var dead = TopicReader.read(SharedKafka.connection(), List.of("logs-err-in.dlq"), 1, Duration.ofSeconds(30), false);
    assertEquals(1, dead.size());
    String header = new String(dead.get(0).headers().lastHeader("sockeye.error.traceback").value(), StandardCharsets.UTF_8);
    assertTrue(header.contains("line 2, in helper"), header);
    awaitReports("logs-err", 1);
    String errors = cli("logs", "logs-err", "--errors", "--bootstrap-servers", SharedKafka.bootstrap());
    assertTrue(errors.contains("REPORT status=ERROR") && errors.contains("File \"/handler/f.py\", line 4, in f"),
        errors);
  }

  @Test
  void twoHundredMegabytesWithoutANewlineLeaveTheHeapBoundedAndOtherFunctionsOnTime() throws Exception {
    String steady = """
        def f(event):
            print("steady", event["value"]["n"])
            return 1
        """;
    List<InvocationResult> before = run("logs-steady", "concurrency: 1\n", steady, numbered(0, 20));
    long baseline = medianLatencyMs(before);
    long heapBefore = heapAfterGc();

    String flood = """
        import sys
        def f(event):
            chunk = "x" * (1 << 20)
            for _ in range(200):
                sys.stdout.write(chunk)   # 200 MB, no newline
            return "done"
        """;
    String topic = "logs-flood-in";
    Cluster.createTopic(topic, 1);
    Path dir = TestFunctions.write(functions, "logs-flood", topic, "concurrency: 1\ntimeout_ms: 120000\n", flood);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    Cluster.send(topic, 0, Cluster.json(List.of("{}")));
    // While it floods, the steady function keeps its latency.
    Cluster.send("logs-steady-in", 0, Cluster.json(numbered(20, 40)));
    List<InvocationResult> during = Cluster.results("logs-steady-in.results", 40).subList(20, 40);
    List<InvocationResult> flooded = Cluster.results(topic + ".results", 1);
    assertEquals(Status.OK, flooded.get(0).getStatus(), "the flooding handler was never blocked: " + flooded);
    long heapAfter = heapAfterGc();
    long duringMs = medianLatencyMs(during);
    System.out.printf("200 MB flood: heap after GC %d MB -> %d MB; steady p50 %d ms before, %d ms during%n",
        heapBefore >> 20, heapAfter >> 20, baseline, duringMs);
    assertTrue(heapAfter - heapBefore < 64L * 1024 * 1024,
        "heap grew by " + (heapAfter - heapBefore) / (1024 * 1024) + " MB after 200 MB of output");
    assertTrue(duringMs < Math.max(3 * baseline, baseline + 100),
        "steady p50 " + duringMs + " ms during the flood vs " + baseline + " ms before");
    HandlerLog truncated = awaitReports("logs-flood", 1).stream().filter(l -> l.getKind() == HandlerLogKind.TRUNCATED)
        .findFirst().orElseThrow();
    assertEquals(200L * (1 << 20) - 256 * 1024, truncated.getDroppedBytes());
  }

  private static List<String> numbered(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "{\"n\": " + i + "}").toList();
  }

  /** Median of input timestamp to the end of the handler's run (queued + handler), in ms. */
  private static long medianLatencyMs(List<InvocationResult> results) {
    long[] ms = results.stream().mapToLong(r -> r.getTimings().getTotalUs() / 1000).sorted().toArray();
    return ms[ms.length / 2];
  }

  private static long heapAfterGc() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
