package dev.sockeye.executor;

import dev.sockeye.executor.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the executor starts Python.
 *
 * @param python the interpreter zygotes run on
 * @param workDir where the runtime and the sockets live; short, because socket paths are limited
 * @param preloadModules what the root zygote imports before it forks anything
 * @param zygoteStartTimeout how long a zygote may take to become ready
 * @param sandbox how to sandbox zygotes and instances; null runs them unsandboxed (development only)
 */
public record ExecutorSettings(
    Path python, Path workDir, List<String> preloadModules, Duration zygoteStartTimeout, SandboxSettings sandbox) {
  public ExecutorSettings {
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(workDir, "work_dir");
    preloadModules = List.copyOf(preloadModules);
    if (zygoteStartTimeout.isNegative() || zygoteStartTimeout.isZero()) {
      throw new IllegalArgumentException("zygote_start_timeout must be > 0 (got " + zygoteStartTimeout + ")");
    }
  }

  /** Unsandboxed. */
  public ExecutorSettings(Path python, Path workDir, List<String> preloadModules, Duration zygoteStartTimeout) {
    this(python, workDir, preloadModules, zygoteStartTimeout, null);
  }

  /** Unsandboxed, /usr/bin/python3, nothing preloaded. */
  public static ExecutorSettings defaults(Path workDir) {
    return new ExecutorSettings(Path.of("/usr/bin/python3"), workDir, List.of(), Duration.ofSeconds(10));
  }
}
