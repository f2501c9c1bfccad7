package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code sockeye run} in a child JVM, from the shaded jar the consumer module's package phase
 * built, so that tests can SIGKILL it. Its output goes to a log file in its data directory.
 */
final class ChildService implements AutoCloseable {
  private static final Path JAR = Path.of("../consumer/target/sockeye.jar");
  private final Process process;
  private final Path log;

  private ChildService(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** With /metrics off (--metrics-port 0): several children on one host must not race for the default port. */
  static ChildService start(String bootstrap, Path dataDir) throws IOException {
    return start(bootstrap, dataDir, "--metrics-port", "0");
  }

  /** Starts {@code sockeye run} on {@code bootstrap} with {@code dataDir} and any {@code extraArgs} of run. */
  static ChildService start(String bootstrap, Path dataDir, String... extraArgs) throws IOException {
    return start(bootstrap, dataDir, List.of(extraArgs), java.util.Map.of());
  }

  /** As {@link #start(String, Path, String...)}, with environment variables. */
  static ChildService start(String bootstrap, Path dataDir, List<String> flags, java.util.Map<String, String> env) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      fail(JAR.toAbsolutePath() + " is missing: run the tests with `mvn verify` from the repository root, which packages the consumer first");
    }
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve("service.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", JAR.toString(), "dev.sockeye.cli.Main", "run",
        "--bootstrap-servers", bootstrap, "--data-dir", dataDir.toString()));
    command.addAll(flags);
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    return new ChildService(p, log);
  }

  /** Any sockeye command in a child JVM (e.g. a replay), its output in {@code <dataDir>/<logName>}. */
  static ChildService command(Path dataDir, String logName, String... args) throws IOException {
    if (!Files.isRegularFile(JAR)) {
      fail(JAR.toAbsolutePath() + " is missing: run the tests with `mvn verify` from the repository root, which packages the consumer first");
    }
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve(logName);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-cp", JAR.toString(), "dev.sockeye.cli.Main"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new ChildService(p, log);
  }

  /** SIGKILL: no shutdown hook runs, nothing is committed or flushed. Its zygotes die with it (PDEATHSIG). */
  void kill9() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM: the service drains, commits and exits. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      kill9();
    }
  }

  Path log() {
    return log;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
