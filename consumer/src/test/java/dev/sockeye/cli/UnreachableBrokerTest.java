package dev.sockeye.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command that talks to Kafka fails within its Kafka timeout, naming the address, when nothing listens there. */
class UnreachableBrokerTest {
  @TempDir static Path dir;
  static String closed;

  @BeforeAll
  static void setUp() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      closed = "127.0.0.1:" + s.getLocalPort(); // closed again before any command runs
    }
    Path fn = Files.createDirectories(dir.resolve("fn"));
    Files.writeString(fn.resolve("function.yaml"), "name: unreachable\ntriggers:\n  kafka:\n    topics: [unreachable-in]\n");
    Files.writeString(fn.resolve("f.py"), "def f(event):\n    return event\n");
    Files.writeString(dir.resolve("events.jsonl"), "{\"a\": 1}\n");
    Files.createDirectories(dir.resolve("no-examples"));
    // Load the Kafka client's classes once, so that what is timed below is the wait for the broker,
    // not this JVM's first use of them (seconds on a loaded machine).
    run(List.of("status"), "--kafka-timeout-ms", "100");
  }

  static Stream<List<String>> commands() {
    return Stream.of(
        List.of("deploy", dir.resolve("fn").toString()),
        List.of("undeploy", "unreachable"),
        List.of("produce", "--topic", "unreachable-in", "--file", dir.resolve("events.jsonl").toString()),
        List.of("results", "--topic", "unreachable-in.results"),
        List.of("status"),
        List.of("functions"),
        List.of("run", "--data-dir", dir.resolve("run-data").toString(), "--unsafe-no-sandbox"),
        List.of("demo", "--examples", dir.resolve("no-examples").toString(), "--unsafe-no-sandbox"));
  }

  record Outcome(int code, String err, Duration took) {}

  static Outcome run(List<String> command, String... extra) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--bootstrap-servers", closed));
    args.addAll(List.of(extra));
    StringWriter err = new StringWriter();
    long start = System.nanoTime();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(), args.toArray(String[]::new));
    return new Outcome(code, err.toString(), Duration.ofNanos(System.nanoTime() - start));
  }

  @ParameterizedTest
  @MethodSource("commands")
  void failsWithinItsKafkaTimeoutNamingTheAddress(List<String> command) {
    Outcome o = run(command, "--kafka-timeout-ms", "2000");
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("cannot reach Kafka at " + closed + " within 2000 ms"), o.err());
    // 2 s of waiting, plus a JVM under load creating the client and closing it
    System.out.println(command.get(0) + " failed after " + o.took().toMillis() + " ms");
    assertTrue(o.took().compareTo(Duration.ofSeconds(7)) < 0, command + " took " + o.took());
  }

  @Test
  void resultsFailsWithinFifteenSecondsByDefault() {
    Outcome o = run(List.of("results", "--topic", "unreachable-in.results"));
    assertEquals(1, o.code(), o.err());
    assertTrue(o.err().contains("cannot reach Kafka at " + closed + " within 10000 ms"), o.err());
    assertTrue(o.took().compareTo(Duration.ofSeconds(15)) < 0, "took " + o.took());
  }
}
