package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.request;
import static dev.sockeye.zygote.TestEvents.returnedJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConcurrentForkTest extends ManagerFixture {

  @Test
  void forksFromManyThreadsAllSucceedWithDistinctProcesses() throws Exception {
    InstanceSpec spec = handler("crowd", "import os\ndef f(event):\n    return os.getpid()\n");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<CompletableFuture<Long>> pids = IntStream.range(0, 8).mapToObj(i -> CompletableFuture.supplyAsync(() -> {
        awaitQuietly(go);
        Instance instance = manager.fork(spec);
        return returnedJson(instance.invoke(request("crowd", json(i, "{}"))).results().get(0)).asLong();
      }, pool)).toList();
      go.countDown();

      Set<Long> distinct = pids.stream().map(CompletableFuture::join).collect(Collectors.toSet());
      assertEquals(8, distinct.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void forksQueuedBehindABusyZygoteGetTheirSparesFromOneBatchAndAllServe() throws Exception {
    InstanceSpec spec = handler("queued", "import os\ndef f(event):\n    return os.getpid()\n");
    Zygote root = manager.root(ZygoteManager.DEFAULT_TENANT);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      // While this test holds the zygote, four forks queue on it with no spare pooled.
      List<CompletableFuture<Instance>> forks = root.request(p -> {
        p.discardSpares();
        List<CompletableFuture<Instance>> started = IntStream.range(0, 4)
            .mapToObj(i -> CompletableFuture.supplyAsync(() -> manager.fork(spec), pool)).toList();
        Poll.until(Duration.ofSeconds(10), "four forks queue on the zygote", () -> root.queueLength() >= 5);
        return started;
      });
      List<Instance> instances = forks.stream().map(CompletableFuture::join).toList();

      Set<Long> pids = IntStream.range(0, 4).mapToObj(i -> returnedJson(instances.get(i)
          .invoke(request("queued", json(i, "{}"))).results().get(0)).asLong()).collect(Collectors.toSet());
      assertEquals(4, pids.size(), "four distinct instances that each serve");
      assertEquals(4, manager.batchedSpares(), "the first fork asked for a spare for itself and each one behind it");
      instances.forEach(Instance::close);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sparesPerZygoteDecidesHowManySparesAZygoteKeepsReady(@TempDir Path otherWork) throws Exception {
    InstanceSpec spec = handler("spares", "def f(event):\n    return 1\n");
    manager.fork(spec).close();
    manager.awaitBackgroundWork();
    assertEquals(ZygoteSettings.DEFAULT_SPARES, manager.root(ZygoteManager.DEFAULT_TENANT).process().spareCount());

    ZygoteSettings d = settings();
    ZygoteSettings none = new ZygoteSettings(d.python(), otherWork, d.preloadModules(), d.startTimeout(), 0);
    try (ZygoteManager onDemand = new ZygoteManager(none, Clock.systemUTC())) {
      onDemand.fork(spec).close();
      onDemand.awaitBackgroundWork();
      assertEquals(0, onDemand.root(ZygoteManager.DEFAULT_TENANT).process().spareCount(), "0 forks on demand");
    }
  }

  @Test
  void zygoteStartedFromAShortLivedThreadOutlivesThatThread() throws Exception {
    // PR_SET_PDEATHSIG fires when the parent *thread* exits; the manager must not start zygotes on caller threads.
    InstanceSpec spec = handler("survivor", "def f(event):\n    return 'still here'\n");
    AtomicReference<Instance> forked = new AtomicReference<>();
    Thread caller = new Thread(() -> forked.set(manager.fork(spec)), "short-lived-caller");
    caller.start();
    caller.join(TimeUnit.SECONDS.toMillis(10));

    Instance second = manager.fork(spec);

    assertTrue(forked.get().isAlive(), "instance forked from the short-lived thread's zygote");
    assertEquals("still here", returnedJson(second.invoke(request("survivor", json(1, "{}"))).results().get(0)).asText());
    assertEquals("still here",
        returnedJson(forked.get().invoke(request("survivor", json(2, "{}"))).results().get(0)).asText());
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
