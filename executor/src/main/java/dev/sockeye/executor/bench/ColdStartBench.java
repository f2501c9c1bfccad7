package dev.sockeye.executor.bench;

import dev.sockeye.executor.packages.InstalledPackage;
import dev.sockeye.executor.packages.PackageStore;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.Zygote;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.process.ProcessMemory;
import dev.sockeye.zygote.protocol.InvokeRequest;
import dev.sockeye.zygote.protocol.Returned;
import dev.sockeye.zygote.protocol.WireEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Measures event-to-result latency of each function four ways, in one process so the ratios are fair:
 * a fresh interpreter per event; a fork from the root zygote (which then imports everything); a fork
 * from a zygote that already holds the function's packages; and a warm instance. Each sample is one
 * event handed to the start path until its result is back. Then it measures what 100 warm instances
 * forked from the best zygote cost in memory (PSS: shared pages count once).
 */
public final class ColdStartBench {
  private final ZygoteManager zygotes;
  private final PackageStore store;
  private final Path codeRoot;
  private final PrintStream out;

  public ColdStartBench(ZygoteManager zygotes, PackageStore store, Path codeRoot, PrintStream out) {
    this.zygotes = zygotes;
    this.store = store;
    this.codeRoot = codeRoot;
    this.out = out;
  }

  /** Latency samples of one function, per start path, in microseconds. */
  public record Result(String function, Samples fresh, Samples rootFork, Samples bestFork, Samples warm) {}

  public Result run(BenchFunction fn, int coldSamples, int warmSamples) throws IOException {
    List<InstalledPackage> closure = fn.requirements().isEmpty() ? List.of() : store.installAll(fn.requirements(), fn.name());
    InstanceSpec spec = spec(fn, closure);
    Zygote root = zygotes.root(ZygoteManager.DEFAULT_TENANT);
    Zygote best = closure.isEmpty() ? root : holding(root, closure);
    try {
      return new Result(fn.name(),
          cold(Math.max(3, coldSamples / 4), () -> zygotes.spawnFresh(spec), fn),
          cold(coldSamples, () -> zygotes.fork(root, spec), fn),
          cold(coldSamples, () -> zygotes.fork(best, spec), fn),
          warm(warmSamples, zygotes.fork(best, spec), fn));
    } finally {
      if (best != root) {
        zygotes.stop(best);
      }
    }
  }

  /** Forks {@code count} instances from a zygote holding the function's packages, runs one event on each, sums their PSS. */
  public long warmPss(BenchFunction fn, int count) throws IOException {
    List<InstalledPackage> closure = store.installAll(fn.requirements(), fn.name());
    InstanceSpec spec = spec(fn, closure);
    Zygote best = holding(zygotes.root(ZygoteManager.DEFAULT_TENANT), closure);
    List<Instance> warm = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Instance instance = zygotes.fork(best, spec);
        warm.add(instance);
        invoke(instance, fn);
      }
      long total = best.pssBytes();
      for (Instance i : warm) {
        total += ProcessMemory.pss(i.pid());
      }
      return total;
    } finally {
      warm.forEach(Instance::close);
      zygotes.stop(best);
    }
  }

  /** A child of {@code root} that has imported every top-level module of the closure. */
  private Zygote holding(Zygote root, List<InstalledPackage> closure) {
    Zygote z = zygotes.startChild(root, closure.stream().map(p -> p.dir().toString()).toList(),
        closure.stream().flatMap(p -> p.modules().stream()).toList());
    if (!z.failedModules().isEmpty()) {
      out.println("note: the zygote could not import " + z.failedModules());
    }
    return z;
  }

  private Samples cold(int n, Supplier<Instance> start, BenchFunction fn) {
    Samples s = new Samples();
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      try (Instance instance = start.get()) {
        invoke(instance, fn);
        s.add((System.nanoTime() - t0) / 1_000);
      }
    }
    return s;
  }

  private Samples warm(int n, Instance instance, BenchFunction fn) {
    try (instance) {
      invoke(instance, fn); // the first event is a cold start, measured above
      Samples s = new Samples();
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        invoke(instance, fn);
        s.add((System.nanoTime() - t0) / 1_000);
      }
      return s;
    }
  }

  private static void invoke(Instance instance, BenchFunction fn) {
    WireEvent e = new WireEvent("bench", 0, 0, 0, null, fn.event(), List.of(), "bench-0-0");
    var reply = instance.invoke(new InvokeRequest(fn.name(), List.of(e), Long.MAX_VALUE)).results().get(0);
    if (!(reply instanceof Returned)) {
      throw new IllegalStateException("benchmark function " + fn.name() + " failed: " + reply);
    }
  }

  private InstanceSpec spec(BenchFunction fn, List<InstalledPackage> closure) throws IOException {
    Path dir = Files.createDirectories(codeRoot.resolve(fn.name()));
    Files.writeString(dir.resolve("f.py"), fn.source());
    return new InstanceSpec(fn.name(), "bench", dir, Map.of(), closure.stream().map(p -> p.dir().toString()).toList());
  }
}
