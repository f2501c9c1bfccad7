package dev.sockeye.executor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.Rejected;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor on real zygotes and real Python instances. */
class ExecutorTest {
  @TempDir Path work;
  @TempDir Path code;
  private Executor executor;

  @BeforeEach
  void start() {
    // Sandboxed, as in production: the pool's behaviour must not depend on isolation.
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work)), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    executor.close();
  }

  private FunctionDeployment deploy(String name, String python, int timeoutMs, int concurrency) throws Exception {
    Path dir = Files.createDirectories(code.resolve(name + "-" + python.hashCode()));
    Files.writeString(dir.resolve("f.py"), python);
    FunctionDeployment d = new FunctionDeployment(name, "v" + python.hashCode(), dir, new FunctionLimits(timeoutMs, 64, concurrency));
    executor.deploy(d);
    return d;
  }

  private static Event event(String json) {
    return new Event("t", 0, 0, 0, null, json.getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");
  }

  private InvocationOutcome invoke(String fn, String json) throws Exception {
    return executor.invoke(fn, List.of(event(json))).get(30, TimeUnit.SECONDS).get(0);
  }

  private static String output(InvocationOutcome o) {
    return new String(assertInstanceOf(Succeeded.class, o).output(), StandardCharsets.UTF_8);
  }

  @Test
  void secondInvocationReusesTheWarmInstance() throws Exception {
    deploy("pid", "import os\ndef f(e):\n    return os.getpid()\n", 5000, 1);
    InvocationOutcome first = invoke("pid", "1");
    InvocationOutcome second = invoke("pid", "2");
    assertEquals(StartKind.ZYGOTE, first.startKind());
    assertEquals(StartKind.WARM, second.startKind());
    assertEquals(output(first), output(second));
    assertTrue(first.timings().forkUs() > 0);
    assertEquals(0, second.timings().forkUs());
  }

  @Test
  void neverRunsMoreInstancesThanTheConcurrencyLimit() throws Exception {
    // Inside a sandbox every instance is PID 1 of its own namespace, so instances identify themselves by a token.
    deploy("busy", "import time, uuid\nID = uuid.uuid4().hex\ndef f(e):\n    time.sleep(0.05)\n    return ID\n", 5000, 2);
    List<CompletableFuture<List<InvocationOutcome>>> all = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      all.add(executor.invoke("busy", List.of(event(Integer.toString(i)))));
    }
    Set<String> pids = new HashSet<>();
    for (var f : all) {
      pids.add(output(f.get(30, TimeUnit.SECONDS).get(0)));
    }
    assertEquals(2, pids.size(), "12 concurrent events on concurrency 2 use exactly 2 instances: " + pids);
  }

  @Test
  void handlerPastTheTimeoutIsKilledAndReplaced() throws Exception {
    deploy("sleepy", "import time, uuid\nID = uuid.uuid4().hex\ndef f(e):\n    if e['value']:\n        time.sleep(60)\n    return ID\n", 300, 1);
    String before = output(invoke("sleepy", "0"));
    InvocationOutcome slow = invoke("sleepy", "1");
    InvocationOutcome after = invoke("sleepy", "0");
    assertEquals(300, assertInstanceOf(TimedOut.class, slow).timeoutMs());
    assertEquals(StartKind.ZYGOTE, after.startKind());
    assertTrue(!before.equals(output(after)), "the timed-out instance was replaced by a new one");
  }

  @Test
  void crashedInstanceIsAFailureAndTheNextEventGetsANewOne() throws Exception {
    deploy("crash", "import os\ndef f(e):\n    if e['value']:\n        os._exit(9)\n    return 'ok'\n", 5000, 1);
    Failed crash = assertInstanceOf(Failed.class, invoke("crash", "1"));
    assertEquals("InstanceCrashed", crash.errorType());
    assertEquals("\"ok\"", output(invoke("crash", "0")));
  }

  @Test
  void handlerExceptionIsAFailureCarryingTypeAndMessage() throws Exception {
    deploy("raise", "def handler(e, c):\n    raise KeyError('missing')\n", 5000, 1);
    Failed f = assertInstanceOf(Failed.class, invoke("raise", "{}"));
    assertEquals("KeyError", f.errorType());
    assertEquals("'missing'", f.errorMessage());
  }

  @Test
  void redeployServesTheNewVersion() throws Exception {
    deploy("ver", "def f(e):\n    return 1\n", 5000, 1);
    assertEquals("1", output(invoke("ver", "0")));
    deploy("ver", "def f(e):\n    return 2\n", 5000, 1);
    InvocationOutcome o = invoke("ver", "0");
    assertEquals("2", output(o));
    assertEquals(StartKind.ZYGOTE, o.startKind());
  }

  @Test
  void idleFunctionScalesToZeroAndTheNextEventStartsAnInstanceAgain() throws Exception {
    executor.close();
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work))
        .withHandlerCache(new HandlerCacheSettings(Duration.ofMinutes(1), Duration.ofMillis(200), 1L << 30)), Clock.systemUTC());
    deploy("idle", "def f(e):\n    return 1\n", 5000, 2);
    assertEquals(StartKind.ZYGOTE, invoke("idle", "0").startKind());
    assertEquals(1, executor.poolState("idle").orElseThrow().alive());
    await().atMost(Duration.ofSeconds(5)).until(() -> executor.poolState("idle").orElseThrow().alive() == 0);
    assertEquals(StartKind.ZYGOTE, invoke("idle", "0").startKind(), "scaled to zero: the next event forks again");
  }

  @Test
  void functionWithRequirementsImportsThemFromTheStore(@TempDir Path wheelDir) throws Exception {
    var wheels = new dev.sockeye.executor.packages.Wheels(wheelDir).add("tinylib", "1.5", 0);
    executor.close();
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work)).withPip(wheels.pip()), Clock.systemUTC());
    Path dir = Files.createDirectories(code.resolve("req"));
    Files.writeString(dir.resolve("f.py"), "import tinylib\ndef f(e):\n    return tinylib.VERSION\n");
    executor.deploy(new FunctionDeployment("req", "v1", dir, new FunctionLimits(5000, 64, 1), List.of("tinylib"), ""));
    assertEquals("\"1.5\"", output(invoke("req", "0")));
  }

  @Test
  void idleInstanceIsFrozenAndTheNextEventThawsItWarm() throws Exception {
    executor.close();
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work))
        .withHandlerCache(new HandlerCacheSettings(Duration.ofMillis(100), Duration.ofMinutes(5), 1L << 30)), Clock.systemUTC());
    deploy("cold", "import os\ndef f(e):\n    return os.environ.get('SOCKEYE_TOKEN', 'x')\n", 5000, 1);
    assertEquals(StartKind.ZYGOTE, invoke("cold", "0").startKind());
    await().atMost(Duration.ofSeconds(5)).until(() -> executor.poolState("cold").orElseThrow().frozen() == 1);
    InvocationOutcome thawed = invoke("cold", "0");
    assertEquals(StartKind.WARM, thawed.startKind(), "a frozen instance is thawed, not replaced");
    assertInstanceOf(Succeeded.class, thawed);
    assertEquals(0, executor.poolState("cold").orElseThrow().frozen());
  }

  @Test
  void frozenInstancesOverTheMemoryBudgetAreClosedLeastRecentlyUsedFirst() throws Exception {
    executor.close();
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work))
        .withHandlerCache(new HandlerCacheSettings(Duration.ofMillis(100), Duration.ofMinutes(5), 0)), Clock.systemUTC());
    deploy("budget", "def f(e):\n    return 1\n", 5000, 1);
    invoke("budget", "0");
    await().atMost(Duration.ofSeconds(5)).until(() -> executor.poolState("budget").orElseThrow().alive() == 0);
    assertEquals(StartKind.ZYGOTE, invoke("budget", "0").startKind());
  }

  @Test
  void unknownFunctionIsRejected() throws Exception {
    assertInstanceOf(Rejected.class, invoke("nobody", "0"));
  }

  @Test
  void closeLeavesNoProcessBehind() throws Exception {
    deploy("leak", "def f(e):\n    return 1\n", 5000, 2);
    invoke("leak", "0");
    executor.close();
    await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive));
  }
}
