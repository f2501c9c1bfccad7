package dev.sockeye.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs the service in a private mount namespace, so the host's mount table (and systemd watching it) never sees
 * the thousands of sandbox mounts. A process can only enter a new mount namespace while it has one thread, which
 * a JVM never has, so the CLI re-executes itself under {@code unshare --mount --propagation private} once, at
 * start, and waits for the child. Stateless.
 */
final class MountNamespace {
  static final String MARKER = "SOCKEYE_PRIVATE_MOUNT_NS";
  private static final Set<String> SANDBOXING = Set.of("run", "demo", "bench", "invoke");
  private static final Path UNSHARE = Path.of("/usr/bin/unshare");
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  static final int GC_PAUSE_GOAL_MS = 20;

  private MountNamespace() {}

  /** Empty when no re-exec is needed (already private, unsandboxed, not root, or a command without sandboxes). */
  static List<String> reexecCommand(String[] args) {
    List<String> list = List.of(args);
    boolean sandboxing = !list.isEmpty() && SANDBOXING.contains(list.get(0)) && !list.contains("--unsafe-no-sandbox")
        && !list.contains("--help") && !list.contains("-h");
    // Always once, whatever namespace we start in (the MARKER stops a second time): whether we share init's
    // namespace cannot always be read (/proc/1 may be hidden), and a private one costs nothing.
    if (!sandboxing || System.getenv(MARKER) != null || !Files.isExecutable(UNSHARE) || !isRoot()) {
      return List.of();
    }
    ProcessHandle.Info self = ProcessHandle.current().info();
    if (self.command().isEmpty() || self.arguments().isEmpty()) {
      return List.of();
    }
    List<String> command = new ArrayList<>(List.of(UNSHARE.toString(), "--mount", "--propagation", "private", "--"));
    if (Files.isExecutable(SETPRIV)) {
      // The service dies with this wrapper even on SIGKILL, and its mount namespace (every sandbox mount) with it.
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
    }
    command.add(self.command().get());
    List<String> jvmAndArgs = List.of(self.arguments().get());
    // Event-to-result p99 is a target: G1's default pause goal (200 ms) let young collections of
    // 60-120 ms through under load. Unless the user chose a collector or a goal, aim for short pauses.
    if (jvmAndArgs.stream().noneMatch(a -> a.startsWith("-XX:MaxGCPauseMillis") || a.startsWith("-XX:+Use"))) {
      command.add("-XX:MaxGCPauseMillis=" + GC_PAUSE_GOAL_MS);
    }
    command.addAll(jvmAndArgs);
    return command;
  }

  /** Runs {@code command} with the marker set, forwarding stdio; returns its exit code. Stops it on our exit. */
  static int run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    builder.environment().put(MARKER, "1");
    Process child = builder.start();
    // SIGTERM is passed on and waited for: the service drains and commits before this wrapper exits, since
    // the service dies with the wrapper (--pdeathsig) and would otherwise be cut short.
    Thread stop = new Thread(() -> {
      child.destroy();
      try {
        child.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sockeye-forward-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    int code = child.waitFor();
    try {
      Runtime.getRuntime().removeShutdownHook(stop);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already; nothing to remove
    }
    return code;
  }

  private static boolean isRoot() {
    try {
      return "0".equals(Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:")).findFirst().map(l -> l.split("\\s+")[2]).orElse(""));
    } catch (IOException e) {
      return false;
    }
  }
}
