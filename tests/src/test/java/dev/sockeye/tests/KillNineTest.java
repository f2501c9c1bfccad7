package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service in a child JVM, SIGKILLed three times at random moments while 20,000 events flow,
 * restarted on the same data directory each time. At-least-once: every input offset has a result.
 * Exactly-once: a read_committed reader sees exactly one result per input offset.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class KillNineTest {
  private static final int EVENTS = 20_000;

  @TempDir Path functions;
  @TempDir Path data;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"at-least-once", "exactly-once"})
  void threeSigkillsLoseNothing(String delivery) throws Exception {
    String name = "kill-" + delivery.replace("-", "");
    String in = name + "-in";
    Cluster.createTopic(in, 3);
    assertEquals(0, Main.run("deploy", TestFunctions.write(functions, name, in,
        "concurrency: 4\n", "def f(event):\n    return event['value']['i']\n").toString(),
        "--bootstrap-servers", SharedKafka.bootstrap()));
    // delivery and batching go under triggers.kafka; rewrite the yaml with them
    java.nio.file.Files.writeString(functions.resolve(name).resolve("function.yaml"),
        "name: " + name + "\nconcurrency: 4\ntriggers:\n  kafka:\n    topics: [" + in + "]\n    delivery: " + delivery
            + "\n    ordering: key\n    batch_size: 20\n    batch_window_ms: 5\n");
    assertEquals(0, Main.run("deploy", functions.resolve(name).toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    Cluster.sendMany(in, EVENTS, 100);

    Random random = new Random();
    for (int kill = 0; kill < 3; kill++) {
      try (ChildService s = ChildService.start(SharedKafka.bootstrap(), data)) {
        LockSupport.parkNanos(Duration.ofMillis(3_000 + random.nextInt(4_000)).toNanos()); // a random moment while it works
        s.kill9();
      }
    }
    try (ChildService s = ChildService.start(SharedKafka.bootstrap(), data)) {
      boolean committed = delivery.equals("exactly-once");
      Map<String, Integer> counts = Cluster.resultCounts(in + ".results", EVENTS, Duration.ofSeconds(120), committed);

      assertEquals(EVENTS, counts.size(), "inputs without a result; service log: " + s.log());
      if (committed) {
        Map<String, Integer> dups = counts.entrySet().stream().filter(e -> e.getValue() != 1)
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertTrue(dups.isEmpty(), dups.size() + " inputs have more than one committed result, e.g. " + dups.entrySet().stream().limit(5).toList());
      }
      s.stop();
    }
  }
}
