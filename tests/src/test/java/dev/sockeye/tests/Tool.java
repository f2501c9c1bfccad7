package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An operator's command-line tool (promtool, amtool, docker-compose) run to completion by a test,
 * with its exit code and its output (stdout and stderr together). A tool still running after its
 * time limit is killed and fails the test, so no process outlives the test.
 */
record Tool(int exitCode, String output) {
  private static final long LIMIT_SECONDS = 60;

  /** The executable {@code name} on the PATH, if installed. */
  static boolean installed(String name) {
    return find(name) != null;
  }

  /** Runs {@code command}; fails the test naming the apt package when the tool is not installed. */
  static Tool run(String aptPackage, String... command) {
    if (!installed(command[0])) {
      fail(command[0] + " is not installed: apt-get install -y --no-install-recommends " + aptPackage
          + " (.ci/run installs it on a fresh machine)");
    }
    List<String> argv = new ArrayList<>(List.of(command));
    argv.set(0, find(command[0]).toString());
    Path log = null;
    try {
      log = Files.createTempFile("sockeye-tool-", ".log");
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        p.getOutputStream().close();
        if (!p.waitFor(LIMIT_SECONDS, TimeUnit.SECONDS)) {
          fail(String.join(" ", argv) + " still ran after " + LIMIT_SECONDS + " s");
        }
      } finally {
        p.destroyForcibly();
      }
      return new Tool(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("running " + String.join(" ", argv), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", argv), e);
    } finally {
      if (log != null) {
        log.toFile().delete();
      }
    }
  }

  private static Path find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "exit " + exitCode + ":\n" + output;
  }
}
