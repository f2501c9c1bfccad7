package dev.sockeye.bench;

import dev.sockeye.sandbox.Network;
import dev.sockeye.sandbox.SandboxSpec;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.sandbox.cgroup.CgroupLimits;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.ZygoteManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Measures the real path: build a sandbox, fork an instance from the zygote into it, wait until it listens
 * (create-to-ready), then close it (destroy: kill, unmount, recycle the cgroup). Histograms are guarded by
 * their own monitors; worker threads are the bench's own and end with each run.
 */
final class SandboxBench {
  private final Sandboxes sandboxes;
  private final ZygoteManager zygotes;
  private final Path code;

  SandboxBench(Sandboxes sandboxes, ZygoteManager zygotes, Path work) throws IOException {
    this.sandboxes = sandboxes;
    this.zygotes = zygotes;
    this.code = Files.createDirectories(work.resolve("code"));
    Files.writeString(code.resolve("f.py"), "def f(event):\n    return None\n");
  }

  BenchTable.Row run(int concurrency, int count) throws Exception {
    Histogram create = new Histogram(3_600_000_000L, 3);
    Histogram destroy = new Histogram(3_600_000_000L, 3);
    double perSecond = Cycles.perSecond(concurrency, count, "sockeye-bench", () -> cycle(create, destroy));
    return new BenchTable.Row("sockeye", concurrency, count, create, destroy, perSecond, null);
  }

  /**
   * One sandbox at a time, each once the zygote's spares are forked and prepared: what a request to a service
   * that was idle a moment sees. Back to back (as {@link #run} does at concurrency 1) the spares' preparation
   * and the previous sandbox's teardown share the two cores with the measured path.
   */
  Histogram runIdle(int count) {
    Histogram create = new Histogram(3_600_000_000L, 3);
    Histogram destroy = new Histogram(3_600_000_000L, 3);
    var root = zygotes.root(ZygoteManager.DEFAULT_TENANT);
    for (int i = 0; i < count; i++) {
      zygotes.awaitBackgroundWork();
      cycle(create, destroy);
    }
    return create;
  }

  private void cycle(Histogram create, Histogram destroy) {
    long t0 = System.nanoTime();
    var box = sandboxes.create(new SandboxSpec(code, new CgroupLimits(64, 64, 1024), 16, Network.NONE));
    Instance instance = zygotes.fork(new InstanceSpec("bench", "v1", code, Map.of(), box));
    long t1 = System.nanoTime();
    instance.close();
    long t2 = System.nanoTime();
    synchronized (create) {
      create.recordValue((t1 - t0) / 1000);
    }
    synchronized (destroy) {
      destroy.recordValue((t2 - t1) / 1000);
    }
  }

  static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // a temporary directory left behind is harmless
    }
  }
}
