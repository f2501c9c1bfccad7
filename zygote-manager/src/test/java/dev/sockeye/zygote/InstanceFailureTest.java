package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.request;
import static dev.sockeye.zygote.TestEvents.returnedJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InstanceFailureTest extends ManagerFixture {

  @Test
  void killFromAnotherThreadFailsABlockedInvokeWithinTwoSeconds() throws Exception {
    InstanceSpec spec = handler("sleeper", """
        import time
        def f(event):
            open("started", "w").close()
            time.sleep(30)
            return "woke up"
        """);
    Instance instance = manager.fork(spec);
    CompletableFuture<Object> invoking = CompletableFuture.supplyAsync(() -> instance.invoke(request("sleeper", json(1, "{}"))));
    Poll.until(Duration.ofSeconds(10), "the handler is sleeping", () -> Files.exists(codeDir.resolve("started")));

    long killedAt = System.nanoTime();
    instance.kill();
    ExecutionException failure = assertThrows(ExecutionException.class, () -> invoking.get(5, TimeUnit.SECONDS));
    Duration waited = Duration.ofNanos(System.nanoTime() - killedAt);

    InstanceCrashedException crash = assertInstanceOf(InstanceCrashedException.class, failure.getCause());
    assertTrue(crash.getMessage().contains("instance was killed"), crash.getMessage());
    assertTrue(waited.compareTo(Duration.ofSeconds(2)) < 0, "invoke took " + waited + " to fail after kill()");
    assertFalse(instance.isAlive());
    assertThrows(InstanceCrashedException.class, () -> instance.invoke(request("sleeper", json(2, "{}"))));
  }

  @Test
  void handlerThatExitsTheProcessCrashesTheInstance() {
    InstanceSpec spec = handler("quitter", "import os\ndef f(event):\n    os._exit(3)\n");
    try (Instance instance = manager.fork(spec)) {
      InstanceCrashedException crash = assertThrows(InstanceCrashedException.class,
          () -> instance.invoke(request("quitter", json(1, "{}"))));

      assertTrue(crash.getMessage().contains("quitter-"), crash.getMessage());
      assertTrue(crash.getMessage().contains("closed the socket"), crash.getMessage());
      Poll.until(Duration.ofSeconds(5), "the instance process is gone", () -> !instance.isAlive());
    }
  }

  @Test
  void killedZygoteIsRestartedByTheNextFork() throws Exception {
    InstanceSpec spec = handler("phoenix", "def f(event):\n    return 'alive'\n");
    Instance before = manager.fork(spec);
    ProcessHandle zygote = onlyZygote();

    zygote.destroyForcibly();
    zygote.onExit().get(10, TimeUnit.SECONDS);
    Instance after = manager.fork(spec);

    assertEquals("alive", returnedJson(after.invoke(request("phoenix", json(1, "{}"))).results().get(0)).asText());
    assertNotEquals(zygote.pid(), onlyZygote().pid());
    Poll.until(Duration.ofSeconds(5), "instances of the dead zygote die with it", () -> !before.isAlive());
  }

  @Test
  void forkRacingAZygoteDeathRestartsTheZygoteAndRetries() throws Exception {
    InstanceSpec spec = handler("retry", "def f(event):\n    return 'ok'\n");
    manager.fork(spec).close();
    ProcessHandle zygote = onlyZygote();
    // Not waiting for the exit lets the fork race the JVM's reaper: the fork may find the zygote dead or only its
    // control socket broken. Either way it must restart the zygote and retry once.
    zygote.destroyForcibly();

    try (Instance instance = manager.fork(spec)) {
      assertEquals("ok", returnedJson(instance.invoke(request("retry", json(1, "{}"))).results().get(0)).asText());
    }
  }

  @Test
  void failingPreloadMakesForkFailWithTheZygoteStderr() {
    manager.close();
    manager = new ZygoteManager(new ZygoteSettings(settings().python(), workDir,
        List.of("sockeye_no_such_module"), Duration.ofSeconds(10)), java.time.Clock.systemUTC());
    InstanceSpec spec = handler("never", "def f(event):\n    return 1\n");

    ForkFailedException failure = assertThrows(ForkFailedException.class, () -> manager.fork(spec));

    assertTrue(failure.getMessage().contains("fork never"), failure.getMessage());
    assertTrue(failure.getMessage().contains("zygote root"), failure.getMessage());
    assertTrue(failure.getMessage().contains("sockeye_no_such_module"), failure.getMessage());
    assertTrue(failure.getMessage().contains("status 2"), failure.getMessage());
  }

  private static ProcessHandle onlyZygote() {
    List<ProcessHandle> zygotes = ProcessHandle.current().children()
        .filter(p -> p.info().arguments().map(args -> Arrays.asList(args).contains("zygote")).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
    assertEquals(1, zygotes.size(), "zygote children: " + zygotes);
    return zygotes.get(0);
  }
}
