package dev.sockeye.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sandboxed executor tells its listener, on real sandboxes and Python: the events metrics are made of. */
class ExecutorListenerTest {
  @TempDir Path work;
  @TempDir Path code;
  private Executor executor;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work)), Clock.systemUTC());
    executor.listen(new ExecutorListener() {
      @Override public void instanceStarted(String function, StartKind kind, Duration took) {
        events.add("started " + function + " " + kind + (took.isNegative() || took.isZero() ? " no time" : ""));
      }
      @Override public void sandboxCreated(Duration took) {
        events.add("sandbox created" + (took.isZero() ? " no time" : ""));
      }
      @Override public void sandboxDestroyed(Duration took) {
        events.add("sandbox destroyed");
      }
      @Override public void zygoteLookup(ZygoteLookup result) {
        events.add("lookup " + result);
      }
    });
  }

  @AfterEach
  void stop() {
    executor.close();
  }

  @Test
  void aColdStartReportsItsSandboxForkAndLookupAndATeardownReportsTheSandboxGoing() throws Exception {
    Path dir = Files.createDirectories(code.resolve("told"));
    Files.writeString(dir.resolve("f.py"), "def handler(event, context):\n    return 1\n");
    executor.deploy(new FunctionDeployment("told", "v1", dir, new FunctionLimits(10_000, 64, 1)));
    Event event = new Event("t", 0, 0, 0, null, "{}".getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");

    executor.invoke("told", List.of(event)).get(30, TimeUnit.SECONDS);
    executor.invoke("told", List.of(event)).get(30, TimeUnit.SECONDS); // warm: no new events

    assertEquals(List.of("sandbox created", "lookup BEST", "started told ZYGOTE"), events);
    executor.undeploy("told"); // closes its idle instance, and with it the sandbox
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertTrue(events.contains("sandbox destroyed"), events.toString()));
  }
}
