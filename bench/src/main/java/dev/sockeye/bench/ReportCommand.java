package dev.sockeye.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sockeye bench report}: runs the SOCK paper's questions on this machine with the existing benchmarks
 * ({@code bench sandbox}, {@code bench coldstart}) and writes {@code report.md}, CSVs and PNG charts to a directory.
 * Each step prints a progress line to stderr and its table to stdout, as the benchmark alone would.
 */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Run the evaluation and write DIR/report.md with CSVs and PNG charts.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, description = "Directory for report.md, the CSVs and the PNGs")
  Path out;

  @Option(names = "--store", defaultValue = "sockeye-data/packages", description = "Package store for numpy, pandas, pillow (default: ${DEFAULT-VALUE})")
  Path store;

  @Option(names = "--quick", description = "Small counts: the whole report in a few minutes, noisier numbers")
  boolean quick;

  @Option(names = "--base", defaultValue = "/", description = "Sandbox base; runc's row needs a directory (sockeye base create)")
  Path base;

  @Option(names = "--docker-image", defaultValue = "sockeye-base", description = "Image for Docker's row (default: ${DEFAULT-VALUE})")
  String dockerImage;

  @Option(names = "--python", defaultValue = "/usr/bin/python3")
  Path python;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true"); // charts are drawn off screen; no display is needed
    List<String> notes = new ArrayList<>();
    notes.add("Counts: " + (quick ? "--quick (small samples: treat differences under ~2x as noise)" : "full") + ".");
    BenchSandboxCommand.Results sandbox = step("1/2 sandbox start vs peers", notes, this::sandbox);
    ColdStartCommand.Results cold = step("2/2 cold start by start path (also the image-resize workload)", notes, this::coldStart);
    String header = "Measured on " + java.net.InetAddress.getLocalHost().getHostName() + ", "
        + Runtime.getRuntime().availableProcessors() + " cores, at " + Instant.now() + " by `sockeye bench report"
        + (quick ? " --quick" : "") + "`. Ratios within one run are what to compare; absolute numbers depend on the machine and its load.";
    System.err.println("report: writing " + out.toAbsolutePath() + " ...");
    Path file = ReportWriter.write(out, new ReportWriter.Report(header, sandbox, cold, notes));
    System.err.println("report: done: " + file.toAbsolutePath());
    return 0;
  }

  private interface Step<T> {
    T run() throws Exception;
  }

  /** Runs one question; a failure becomes a note in the report (that question is then missing), never a crash. */
  private static <T> T step(String name, List<String> notes, Step<T> step) {
    System.err.println("report: step " + name + " ...");
    try {
      return step.run();
    } catch (Exception | LinkageError e) {
      notes.add("Step '" + name + "' failed, so its numbers are missing: " + e);
      System.err.println("report: step " + name + " failed: " + e);
      return null;
    }
  }

  private BenchSandboxCommand.Results sandbox() throws Exception {
    List<String> args = new ArrayList<>(List.of("--base", base.toString(), "--docker-image", dockerImage, "--python", python.toString()));
    if (quick) {
      args.addAll(List.of("--count", "30", "--peer-count", "6"));
    }
    List<String> peers = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/sbin/runc"))) {
      peers.add("runc");
    }
    if (Files.isExecutable(Path.of("/usr/bin/docker")) || Files.isExecutable(Path.of("/usr/local/bin/docker"))) {
      peers.add("docker");
    }
    if (!peers.isEmpty()) {
      args.addAll(List.of("--compare", String.join(",", peers)));
    }
    BenchSandboxCommand command = CommandLine.populateCommand(new BenchSandboxCommand(), args.toArray(String[]::new));
    BenchSandboxCommand.Results r = command.measure();
    System.out.print(BenchTable.render(r.ours(), r.peers()));
    return r;
  }

  private ColdStartCommand.Results coldStart() throws Exception {
    List<String> args = new ArrayList<>(List.of("--store", store.toString(), "--python", python.toString()));
    if (quick) {
      args.addAll(List.of("--samples", "8", "--warm-samples", "50", "--pss-instances", "0"));
    }
    ColdStartCommand command = CommandLine.populateCommand(new ColdStartCommand(), args.toArray(String[]::new));
    ColdStartCommand.Results r = command.measure();
    command.print(r.functions(), r.pss());
    return r;
  }
}
