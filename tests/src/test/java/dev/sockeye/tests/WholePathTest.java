package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.cli.Main;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.StartKind;
import dev.sockeye.schemas.Status;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole path on a real broker and real Python: deploy through the CLI, produce, read results. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class WholePathTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  static void deploy(Path dir) {
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
  }

  static JsonNode out(InvocationResult r) throws Exception {
    return JSON.readTree(Cluster.output(r));
  }

  @Test
  void twoThousandEventsAcrossThreePartitionsGetExactlyTheirResultsCommitsAndMetrics() throws Exception {
    Cluster.createTopic("double-in", 3);
    deploy(TestFunctions.write(functions, "double", "double-in", "concurrency: 4\n",
        "def handler(event, context):\n    return {'n': event['value']['n'] * 2}\n"));
    Cluster.send("double-in", null, Cluster.json(IntStream.range(0, 2000).mapToObj(i -> "{\"n\": " + i + "}").toList()));

    List<InvocationResult> results = Cluster.results("double-in.results", 2000);

    assertEquals(2000, results.size());
    Set<String> seen = new HashSet<>();
    Set<Long> doubled = new HashSet<>();
    for (InvocationResult r : results) {
      assertEquals(Status.OK, r.getStatus(), r.toString());
      assertTrue(seen.add(r.getIdempotencyKey()), "duplicate result for " + r.getIdempotencyKey());
      doubled.add(out(r).get("n").asLong());
    }
    assertEquals(IntStream.range(0, 2000).mapToObj(i -> 2L * i).collect(java.util.stream.Collectors.toSet()), doubled);
    assertEquals(3, results.stream().map(InvocationResult::getPartition).distinct().count());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertEquals(Cluster.endOffsets("double-in"), Cluster.committed("sockeye-double", "double-in")));
    await().atMost(Duration.ofSeconds(20)).until(() -> Cluster.metrics("double").size() >= 2000);
    assertEquals(2000, Cluster.metrics("double").size());
  }

  @Test
  void handlerThatRaisesGivesErrorForThoseEventsAndOkForTheRest() throws Exception {
    Cluster.createTopic("picky-in", 1);
    deploy(TestFunctions.write(functions, "picky", "picky-in", "concurrency: 2\n",
        "def f(event):\n    if event['value'].get('bad'):\n        raise ValueError('bad event %d' % event['value']['i'])\n    return event['value']['i']\n"));
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      values.add(i % 5 == 0 ? "{\"i\": " + i + ", \"bad\": true}" : "{\"i\": " + i + "}");
    }
    Cluster.send("picky-in", 0, Cluster.json(values));

    List<InvocationResult> results = Cluster.results("picky-in.results", 30);

    assertEquals(30, results.size());
    for (InvocationResult r : results) {
      if (r.getOffset() % 5 == 0) {
        assertEquals(Status.ERROR, r.getStatus());
        assertEquals("ValueError", r.getErrorType());
        assertEquals("bad event " + r.getOffset(), r.getErrorMessage());
      } else {
        assertEquals(Status.OK, r.getStatus());
        assertEquals(Long.toString(r.getOffset()), Cluster.output(r));
      }
    }
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertEquals(Cluster.endOffsets("picky-in"), Cluster.committed("sockeye-picky", "picky-in")));
  }

  @Test
  void handlerPastItsTimeoutGivesTimeoutItsInstanceIsKilledAndTheNextEventIsServed() throws Exception {
    Cluster.createTopic("slow-in", 1);
    deploy(TestFunctions.write(functions, "slow", "slow-in", "timeout_ms: 700\nconcurrency: 1\n",
        "import time, uuid\nID = uuid.uuid4().hex\ndef f(event):\n    if event['value'].get('sleep'):\n        time.sleep(60)\n    return {'id': ID}\n"));
    Cluster.send("slow-in", 0, Cluster.json(List.of("{}", "{\"sleep\": true}", "{}")));

    List<InvocationResult> results = sorted(Cluster.results("slow-in.results", 3));

    assertEquals(List.of(Status.OK, Status.TIMEOUT, Status.OK), results.stream().map(InvocationResult::getStatus).toList());
    // Sandboxed instances are PID 1 of their own namespace, so they identify themselves by a token; that the
    // killed instance's processes are gone is checked by NoLeaks and by the sandbox teardown tests.
    String first = out(results.get(0)).get("id").asText();
    String after = out(results.get(2)).get("id").asText();
    assertNotEquals(first, after, "the timed-out instance must be replaced");
    assertEquals(StartKind.ZYGOTE, results.get(2).getStartKind());
  }

  @Test
  void consecutiveEventsOnAWarmInstanceDoNotForkAgain() throws Exception {
    Cluster.createTopic("warm-in", 1);
    deploy(TestFunctions.write(functions, "warm", "warm-in", "concurrency: 1\n",
        "import os\ndef f(event):\n    return os.getpid()\n"));
    Cluster.send("warm-in", 0, Cluster.json(List.of("1", "2", "3", "4")));

    List<InvocationResult> results = sorted(Cluster.results("warm-in.results", 4));

    assertEquals(List.of(StartKind.ZYGOTE, StartKind.WARM, StartKind.WARM, StartKind.WARM),
        results.stream().map(InvocationResult::getStartKind).toList());
    assertEquals(1, results.stream().map(Cluster::output).distinct().count(), "one instance served all four");
    assertEquals(0, results.get(1).getTimings().getForkUs());
  }

  @Test
  void recordThatIsNotJsonReachesTheHandlerAsBytes() throws Exception {
    Cluster.createTopic("raw-in", 1);
    deploy(TestFunctions.write(functions, "raw", "raw-in", "",
        "def f(event):\n    v = event['value']\n    return {'type': type(v).__name__, 'len': len(v)}\n"));
    Cluster.send("raw-in", 0, List.of(new byte[] {(byte) 0xff, 0, 'a', 'b'}, "{\"json\": 1}".getBytes()));

    List<InvocationResult> results = sorted(Cluster.results("raw-in.results", 2));

    assertEquals("bytes", out(results.get(0)).get("type").asText());
    assertEquals(4, out(results.get(0)).get("len").asInt());
    assertEquals("dict", out(results.get(1)).get("type").asText());
  }

  @Test
  void instanceThatCrashesGivesAnErrorAndIsReplaced() throws Exception {
    Cluster.createTopic("crashy-in", 1);
    deploy(TestFunctions.write(functions, "crashy", "crashy-in", "concurrency: 1\n",
        "import os\ndef f(event):\n    if event['value'] == 'die':\n        os._exit(3)\n    return 'ok'\n"));
    Cluster.send("crashy-in", 0, Cluster.json(List.of("\"die\"", "\"live\"")));

    List<InvocationResult> results = sorted(Cluster.results("crashy-in.results", 2));

    assertEquals(Status.ERROR, results.get(0).getStatus());
    assertEquals("InstanceCrashed", results.get(0).getErrorType());
    assertEquals(Status.OK, results.get(1).getStatus());
    assertEquals(StartKind.ZYGOTE, results.get(1).getStartKind());
  }

  @Test
  void redeployReplacesTheInstancesLive() throws Exception {
    Cluster.createTopic("versioned-in", 1);
    Path dir = TestFunctions.write(functions, "versioned", "versioned-in", "", "def f(event):\n    return 'v1'\n");
    deploy(dir);
    Cluster.send("versioned-in", 0, Cluster.json(List.of("1")));
    assertEquals("\"v1\"", Cluster.output(Cluster.results("versioned-in.results", 1).get(0)));

    deploy(TestFunctions.write(functions, "versioned", "versioned-in", "", "def f(event):\n    return 'v2'\n"));
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      Cluster.send("versioned-in", 0, Cluster.json(List.of("2")));
      return Cluster.allResults("versioned-in.results").stream().anyMatch(r -> "\"v2\"".equals(Cluster.output(r)));
    });
    List<InvocationResult> all = Cluster.allResults("versioned-in.results");
    assertEquals(2, all.stream().map(InvocationResult::getFunctionVersion).distinct().count());
  }

  private static List<InvocationResult> sorted(List<InvocationResult> results) {
    return results.stream().sorted(Comparator.comparingLong(InvocationResult::getOffset)).toList();
  }
}
