package dev.sockeye.bench;

import dev.sockeye.executor.packages.InstalledPackage;
import dev.sockeye.executor.packages.PackageStore;
import dev.sockeye.sandbox.Network;
import dev.sockeye.sandbox.SandboxSpec;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.sandbox.cgroup.CgroupLimits;
import dev.sockeye.zygote.tree.LearnedImports;
import dev.sockeye.zygote.tree.HeldPackage;
import dev.sockeye.zygote.tree.PackagePaths;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.Zygote;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.process.ProcessMemory;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Returned;
import dev.sockeye.zygote.invoke.WireEvent;
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
  private static final int LEARNING_STARTS = 3; // as many as the manager learns hot pages from
  private final ZygoteManager zygotes;
  private final PackageStore store;
  private final Path codeRoot;
  private final PrintStream out;
  private final Sandboxed sandboxed;

  public ColdStartBench(ZygoteManager zygotes, PackageStore store, Path codeRoot, PrintStream out) {
    this(zygotes, store, codeRoot, out, null);
  }

  /**
   * @param sandboxed when not null, best-zygote cold starts are also measured the way the service runs them by
   *     default: from a zygote in its own sandbox, each instance in a sandbox built for it (root, cgroup, network
   *     namespace) before the fork. Its zygotes must see the store at /packages.
   */
  public ColdStartBench(ZygoteManager zygotes, PackageStore store, Path codeRoot, PrintStream out, Sandboxed sandboxed) {
    this.zygotes = zygotes;
    this.store = store;
    this.codeRoot = codeRoot;
    this.out = out;
    this.sandboxed = sandboxed;
  }

  /** A zygote manager whose zygotes run in sandboxes from {@code sandboxes}. */
  public record Sandboxed(ZygoteManager zygotes, Sandboxes sandboxes) {}

  /** Latency samples of one function, per start path, in microseconds. */
  public record Result(String function, Samples fresh, Samples rootFork, Samples bestFork, Samples bestSandboxed,
      Samples warm, Breakdown bestBreakdown) {}

  public Result run(BenchFunction fn, int coldSamples, int warmSamples) throws IOException {
    List<HeldPackage> closure = fn.requirements().isEmpty() ? List.of() : InstalledPackage.held(store.installAll(fn.requirements(), fn.name()));
    InstanceSpec spec = spec(fn, closure.stream().map(p -> p.dir().toString()).toList());
    Zygote root = zygotes.root(ZygoteManager.DEFAULT_TENANT);
    Zygote best = closure.isEmpty() ? root : holding(zygotes, root, spec.sysPath(), closure);
    try {
      Samples fresh = cold(zygotes, Math.max(3, coldSamples / 4), () -> zygotes.spawnFresh(spec), fn, null, null);
      Samples rootFork = cold(zygotes, coldSamples, () -> zygotes.fork(root, spec), fn, null, root);
      Zygote from = best;
      learn(zygotes, from, root, closure, () -> zygotes.fork(from, spec), fn);
      Breakdown breakdown = new Breakdown();
      Samples bestFork = cold(zygotes, coldSamples, () -> zygotes.fork(from, spec), fn, breakdown, from);
      Samples inSandbox = sandboxed == null ? null : sandboxedBest(fn, closure, coldSamples);
      return new Result(fn.name(), fresh, rootFork, bestFork, inSandbox, warm(warmSamples, zygotes.fork(best, spec), fn), breakdown);
    } finally {
      if (best != root) {
        zygotes.stop(best);
      }
    }
  }

  /** Best-zygote cold starts on the service's default path: sandbox built, then a fork into it from a sandboxed zygote. */
  private Samples sandboxedBest(BenchFunction fn, List<HeldPackage> closure, int coldSamples) throws IOException {
    ZygoteManager z = sandboxed.zygotes();
    PackagePaths inside = new PackagePaths(store.root(), Path.of("/packages"));
    InstanceSpec spec = spec(fn, closure.stream().map(inside::of).toList());
    Zygote root = z.root(ZygoteManager.DEFAULT_TENANT);
    Zygote best = closure.isEmpty() ? root : holding(z, root, spec.sysPath(), closure);
    Supplier<Instance> start = () -> {
      SandboxHandle box = sandboxed.sandboxes().create(new SandboxSpec(spec.codeDir(), new CgroupLimits(1024, 64, 1024), 64, Network.NONE));
      try {
        return z.fork(best, spec.withSandbox(box));
      } catch (RuntimeException e) {
        box.close();
        throw e;
      }
    };
    try {
      learn(z, best, root, closure, start, fn);
      return cold(z, coldSamples, start, fn, null, best);
    } finally {
      if (best != root) {
        z.stop(best);
      }
    }
  }

  /** Forks {@code count} instances from a zygote holding the function's packages, runs one event on each, sums their PSS. */
  public long warmPss(BenchFunction fn, int count) throws IOException {
    List<HeldPackage> closure = InstalledPackage.held(store.installAll(fn.requirements(), fn.name()));
    InstanceSpec spec = spec(fn, closure.stream().map(p -> p.dir().toString()).toList());
    Zygote best = holding(zygotes, zygotes.root(ZygoteManager.DEFAULT_TENANT), spec.sysPath(), closure);
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

  /**
   * What the service's zygote tree learns from a zygote's first instances, done before measuring: which
   * submodules of the closure they import beyond the zygote (imported into it, as the tree does), and which
   * of its pages they copy (the manager learns that from the first instances of every zygote).
   */
  private void learn(ZygoteManager z, Zygote best, Zygote root, List<HeldPackage> closure, Supplier<Instance> start, BenchFunction fn) {
    LearnedImports imports = new LearnedImports();
    for (int i = 0; i < LEARNING_STARTS; i++) {
      try (Instance instance = start.get()) {
        InvokeReply reply = invoke(instance, fn);
        z.awaitBackgroundWork(); // while the instance still runs: its pagemap is read
        List<String> fresh = imports.learn(closure, reply.imported()).values().stream().flatMap(List::stream).toList();
        if (!fresh.isEmpty() && best != root) {
          best.importModules(fresh);
          out.println("note: " + fn.name() + "'s instances import " + fresh + " beyond its zygote; imported there");
        }
      }
    }
  }

  /** A child of {@code root} that has imported every top-level module of the closure, found at {@code sysPath}. */
  private Zygote holding(ZygoteManager z, Zygote root, List<String> sysPath, List<HeldPackage> closure) {
    Zygote child = z.startChild(root, sysPath, closure.stream().flatMap(p -> p.modules().stream()).toList());
    if (!child.failedModules().isEmpty()) {
      out.println("note: the zygote could not import " + child.failedModules());
    }
    return child;
  }

  /**
   * Cold starts one after another. Before each, the zygote's spares (children forked ahead of demand) are
   * ready, as they are in a service between bursts: the service refills them in the background after every
   * fork, and this waits for that refill so each sample sees the steady state, not the refill of the previous.
   */
  private static Samples cold(ZygoteManager zygotes, int n, Supplier<Instance> start, BenchFunction fn, Breakdown breakdown, Zygote steady) {
    Samples s = new Samples();
    for (int i = 0; i < n; i++) {
      if (steady != null) {
        zygotes.awaitBackgroundWork();
      }
      long t0 = System.nanoTime();
      long pid;
      try (Instance instance = start.get()) {
        InvokeReply reply = invoke(instance, fn);
        long t1 = System.nanoTime();
        s.add((t1 - t0) / 1_000);
        if (breakdown != null) {
          breakdown.add(t0, t0 + instance.forkTime().toNanos(), reply.trace(), t1);
        }
        pid = instance.pid();
      }
      awaitExit(pid);
    }
    return s;
  }

  /**
   * Samples are independent: the next cold start does not share the two cores with the kernel tearing down
   * the previous instance (a killed pandas instance takes milliseconds of CPU to unmap).
   */
  private static void awaitExit(long pid) {
    ProcessHandle.of(pid).ifPresent(p -> {
      try {
        p.onExit().get(2, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // still exiting after 2 s: measure anyway
      }
    });
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

  private static InvokeReply invoke(Instance instance, BenchFunction fn) {
    WireEvent e = new WireEvent("bench", 0, 0, 0, null, fn.event(), List.of(), "bench-0-0");
    InvokeReply reply = instance.invoke(new InvokeRequest(fn.name(), List.of(e), Long.MAX_VALUE));
    if (!(reply.results().get(0) instanceof Returned)) {
      throw new IllegalStateException("benchmark function " + fn.name() + " failed: " + reply.results().get(0));
    }
    return reply;
  }

  private InstanceSpec spec(BenchFunction fn, List<String> sysPath) throws IOException {
    Path dir = Files.createDirectories(codeRoot.resolve(fn.name()));
    Files.writeString(dir.resolve("f.py"), fn.source());
    return new InstanceSpec(fn.name(), "bench", dir, Map.of(), sysPath, null);
  }
}
