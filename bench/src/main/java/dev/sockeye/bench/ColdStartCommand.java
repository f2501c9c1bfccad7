package dev.sockeye.bench;

import dev.sockeye.cli.PipOptions;
import dev.sockeye.executor.packages.PackageStore;
import dev.sockeye.sandbox.SandboxSettings;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye bench coldstart}: event-to-result latency by start path for noop, numpy, pandas and Pillow. */
@Command(name = "coldstart", mixinStandardHelpOptions = true, description = "Cold-start latency: fresh interpreter vs root zygote vs best zygote vs warm.")
final class ColdStartCommand implements Callable<Integer> {
  @Option(names = "--samples", defaultValue = "40", description = "Cold starts per path (fresh gets a quarter) (default: ${DEFAULT-VALUE})")
  int samples;

  @Option(names = "--warm-samples", defaultValue = "400", description = "Events on the warm instance (default: ${DEFAULT-VALUE})")
  int warmSamples;

  @Option(names = "--pss-instances", defaultValue = "100", description = "Warm pandas instances whose memory is summed; 0 skips (default: ${DEFAULT-VALUE})")
  int pssInstances;

  @Option(names = "--store", defaultValue = "sockeye-data/packages", description = "Package store to install into and reuse (default: ${DEFAULT-VALUE})")
  Path store;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  @Mixin PipOptions pip;

  /** What one run measured: per function, its start paths; and the summed PSS of warm pandas instances (0: skipped). */
  record Results(List<ColdStartBench.Result> functions, long pss) {}

  @Option(names = "--first-event", description = "Also deploy a fresh pandas function to a service on an embedded broker and"
      + " time its first event, event to result through Kafka, against best+sandbox pandas p50")
  boolean firstEvent;

  @Override
  public Integer call() throws Exception {
    Results r = measure();
    print(r.functions(), r.pss());
    if (firstEvent) {
      firstEvent(r.functions().get(2));
    }
    return 0;
  }

  /** A freshly deployed pandas function's first event through Kafka, next to this run's pandas {@code r}. */
  private void firstEvent(ColdStartBench.Result r) throws Exception {
    BenchFunction pandas = BenchFunction.standard(new byte[0]).get(2);
    long ms = FirstEventBench.measure(pandas, store, python);
    Samples base = r.bestSandboxed() != null ? r.bestSandboxed() : r.bestFork();
    double p50 = base.percentileMillis(50);
    System.out.printf("%nfirst event of a freshly deployed pandas function, event to result through Kafka: %d ms"
        + " = %.1fx %s pandas p50 (%.2f ms); target <= 5x%n", ms, ms / p50,
        r.bestSandboxed() != null ? "best+sandbox" : "best zygote", p50);
  }

  /** Runs the four functions (and the PSS measure); progress goes to stderr, one line per step. */
  Results measure() throws Exception {
    Path work = Files.createTempDirectory("sockeye-bench-");
    List<ColdStartBench.Result> results = new ArrayList<>();
    long pss;
    PackageStore packages = new PackageStore(store, pip.settings(python));
    Sandboxes sandboxes = sandboxes(work, packages.root());
    try (sandboxes;
         ZygoteManager inSandboxes = sandboxes == null ? null : new ZygoteManager(
             new ZygoteSettings(python, Files.createDirectories(work.resolve("sandboxed")), List.of(), Duration.ofSeconds(30)), Clock.systemUTC(), sandboxes);
         ZygoteManager zygotes = new ZygoteManager(ZygoteSettings.defaults(work), Clock.systemUTC())) {
      ColdStartBench bench = new ColdStartBench(zygotes, packages, work.resolve("code"), System.out,
          sandboxes == null ? null : new ColdStartBench.Sandboxed(inSandboxes, sandboxes));
      List<BenchFunction> functions = BenchFunction.standard(jpeg());
      for (BenchFunction fn : functions) {
        System.err.println("coldstart: measuring " + fn.name() + " ...");
        results.add(bench.run(fn, samples, warmSamples));
      }
      if (pssInstances > 0) {
        System.err.println("coldstart: PSS of " + pssInstances + " warm pandas instances ...");
      }
      pss = pssInstances > 0 ? bench.warmPss(functions.get(2), pssInstances) : 0;
    }
    return new Results(results, pss);
  }

  /** The service's default sandboxing, with the store at /packages; null (and a note) where it cannot run. */
  private Sandboxes sandboxes(Path work, Path storeRoot) {
    SandboxSettings d = SandboxSettings.defaults(work.resolve("sb"), List.of(work));
    try {
      return Sandboxes.start(new SandboxSettings(d.area(), d.base(), storeRoot, d.hidden(), d.cgroupRoot(), d.firstUid(), d.spare()),
          python, Clock.systemUTC());
    } catch (RuntimeException e) {
      System.out.println("note: no sandboxed row: " + e.getMessage());
      return null;
    }
  }

  void print(List<ColdStartBench.Result> results, long pss) {
    System.out.println("zygote forks go through spares (children forked ahead of demand, refilled in the background"
        + " after each fork); each sample starts once they are ready, as in a service between bursts");
    System.out.printf("%-8s %-12s %8s %9s %9s %12s%n", "function", "start", "samples", "p50 ms", "p99 ms", "p50 vs fresh");
    for (ColdStartBench.Result r : results) {
      double fresh = r.fresh().percentileMillis(50);
      row(r.function(), "fresh", r.fresh(), fresh);
      row("", "root zygote", r.rootFork(), fresh);
      row("", "best zygote", r.bestFork(), fresh);
      if (r.bestSandboxed() != null) {
        row("", "best+sandbox", r.bestSandboxed(), fresh);
      }
      row("", "warm", r.warm(), fresh);
    }
    for (ColdStartBench.Result r : results) {
      if (r.bestBreakdown().phases().isEmpty()) {
        continue;
      }
      System.out.printf("%n%s, best zygote: p50 per phase (instance marks; faults are minor page faults)%n", r.function());
      for (var phase : r.bestBreakdown().phases()) {
        System.out.printf("  %-44s %8.2f ms %7d faults%n", phase.name(), phase.p50Millis(), phase.p50Faults());
      }
    }
    if (pss > 0) {
      System.out.printf("%n%d warm pandas instances and their zygote: %.0f MB PSS in total (%.1f MB each)%n",
          pssInstances, pss / 1e6, pss / 1e6 / pssInstances);
    }
  }

  private static void row(String fn, String path, Samples s, double fresh) {
    System.out.printf("%-8s %-12s %8d %9.2f %9.2f %11.1fx%n", fn, path, s.count(), s.percentileMillis(50),
        s.percentileMillis(99), fresh / s.percentileMillis(50));
  }

  /** A 640x480 photo-like JPEG, made here so the benchmark needs no image file. */
  private static byte[] jpeg() throws Exception {
    BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 640, 480, Color.BLUE));
    g.fillRect(0, 0, 640, 480);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "jpg", out);
    return out.toByteArray();
  }
}
