package dev.sockeye.executor.packages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code python -m pip} with a time limit and an address-space limit, so that a pathological
 * build cannot take the service down with it. Blocking; stateless.
 */
final class Pip {
  // RLIMIT_AS is set inside the child before pip starts: the JVM has no portable way to set it on a child.
  private static final String LIMITED =
      "import resource, runpy, sys\n"
          + "limit = int(sys.argv[1])\n"
          + "resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
          + "sys.argv = ['pip'] + sys.argv[2:]\n"
          + "runpy.run_module('pip', run_name='__main__', alter_sys=True)\n";
  private static final int ERROR_TAIL = 4000;

  private final PipSettings settings;

  Pip(PipSettings settings) {
    this.settings = settings;
  }

  /** Runs pip with {@code args} (source options appended); throws naming {@code what} with pip's output on failure. */
  void run(String what, List<String> args) {
    List<String> command = new ArrayList<>(List.of(settings.python().toString(), "-c", LIMITED,
        Long.toString(settings.memoryLimitBytes())));
    command.addAll(args);
    command.addAll(settings.sourceOptions());
    command.addAll(List.of("--disable-pip-version-check", "--no-input", "--no-color"));
    Path log = null;
    try {
      log = Files.createTempFile("sockeye-pip-", ".log");
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!p.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new PackageInstallException(what + ": pip took longer than " + settings.timeout() + "; output: " + tail(log));
      }
      if (p.exitValue() != 0) {
        throw new PackageInstallException(what + ": pip exited with status " + p.exitValue() + ": " + tail(log));
      }
    } catch (IOException e) {
      throw new PackageInstallException(what + ": cannot run " + settings.python() + " -m pip: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PackageInstallException(what + ": interrupted", e);
    } finally {
      deleteQuietly(log);
    }
  }

  /** pip's own error lines, without its root-user warning, the end kept when it is long. */
  private static String tail(Path log) throws IOException {
    String out = String.join("\n", Files.readAllLines(log, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.contains("Running pip as the 'root' user") && !l.isBlank()).toList());
    return out.length() <= ERROR_TAIL ? out : "..." + out.substring(out.length() - ERROR_TAIL);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // a leftover log in /tmp is harmless
      }
    }
  }
}
