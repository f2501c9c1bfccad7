package dev.sockeye.bench;

import dev.sockeye.sandbox.SandboxSettings;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sockeye bench sandbox}: create-to-ready and destroy latency of SOCK sandboxes (sandbox built, instance
 * forked from the zygote into it and listening) at several concurrencies, optionally next to runc and Docker
 * running /bin/true on the same base.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Benchmark sandbox create-to-ready and destroy, optionally against runc and docker.")
final class BenchSandboxCommand implements Callable<Integer> {
  @Option(names = "--concurrency", split = ",", defaultValue = "1,10,20")
  List<Integer> concurrency;

  @Option(names = "--count", defaultValue = "500", description = "Sandboxes per concurrency level (default: ${DEFAULT-VALUE})")
  int count;

  @Option(names = "--compare", split = ",", description = "runc and/or docker")
  List<String> compare = new ArrayList<>();

  @Option(names = "--peer-count", defaultValue = "40", description = "Runs per concurrency level for runc/docker (default: ${DEFAULT-VALUE})")
  int peerCount;

  @Option(names = "--base", defaultValue = "/", description = "Sandbox base; runc needs a directory (sockeye base create)")
  Path base;

  @Option(names = "--docker-image", defaultValue = "sockeye-base",
      description = "Image for docker, imported from the base without a registry: tar -C BASE -c . | docker import - sockeye-base")
  String dockerImage;

  @Option(names = "--floor", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also start /bin/true from this JVM, no sandbox, at each concurrency: the process-creation floor"
          + " (default: ${DEFAULT-VALUE}; --no-floor skips it)")
  boolean floor;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  /** What one run measured: Sockeye's rows, the peers' and floor's rows, and the idle-service create latency. */
  record Results(List<BenchTable.Row> ours, List<BenchTable.Row> peers, org.HdrHistogram.Histogram idle) {}

  @Override
  public Integer call() throws Exception {
    Results r = measure();
    System.out.print(BenchTable.render(r.ours(), r.peers()));
    System.out.printf(java.util.Locale.ROOT, "%nsockeye, one at a time with the zygote's spares ready (a service that was"
        + " idle a moment): create-to-ready p50 %.2f ms, p99 %.2f ms (%d sandboxes)%n",
        r.idle().getValueAtPercentile(50) / 1000.0, r.idle().getValueAtPercentile(99) / 1000.0, r.idle().getTotalCount());
    return 0;
  }

  /** Runs every row this command's options ask for; progress goes to stderr, one line per step. */
  Results measure() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "sockeye-bench-");
    List<BenchTable.Row> rows = new ArrayList<>();
    org.HdrHistogram.Histogram idle;
    SandboxSettings d = SandboxSettings.defaults(work.resolve("sb"), List.of(work));
    SandboxSettings settings = new SandboxSettings(d.area(), base, d.packages(), d.hidden(), d.cgroupRoot(),
        d.firstUid(), Math.max(d.spare(), 2 * concurrency.stream().mapToInt(Integer::intValue).max().orElse(1)));
    try (Sandboxes sandboxes = Sandboxes.start(settings, python, Clock.systemUTC());
        ZygoteManager zygotes = new ZygoteManager(new ZygoteSettings(python, work, List.of(), Duration.ofSeconds(30)),
            Clock.systemUTC(), sandboxes)) {
      SandboxBench bench = new SandboxBench(sandboxes, zygotes, work);
      System.err.println("sandbox: warm-up ...");
      bench.run(1, Math.min(50, count)); // warm-up: JIT, zygote start, pools filled
      for (int c : concurrency) {
        System.err.println("sandbox: sockeye at concurrency " + c + " (" + count + " sandboxes) ...");
        rows.add(bench.run(c, count));
      }
      System.err.println("sandbox: sockeye one at a time, spares ready ...");
      idle = bench.runIdle(Math.min(count, 100));
    } finally {
      SandboxBench.deleteQuietly(work);
    }
    List<BenchTable.Row> peers = new ArrayList<>();
    for (int c : floor ? concurrency : List.<Integer>of()) {
      System.err.println("sandbox: /bin/true floor at concurrency " + c + " ...");
      peers.add(PeerBench.floor(c, count));
    }
    for (String peer : compare) {
      for (int c : concurrency) {
        System.err.println("sandbox: " + peer.trim() + " at concurrency " + c + " (" + peerCount + " runs) ...");
        peers.add(PeerBench.run(peer.trim(), base, dockerImage, c, peerCount));
      }
    }
    return new Results(rows, peers, idle);
  }
}
