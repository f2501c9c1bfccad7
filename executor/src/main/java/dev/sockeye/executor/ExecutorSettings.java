package dev.sockeye.executor;

import dev.sockeye.executor.packages.PipSettings;
import dev.sockeye.executor.zygotes.TreeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the executor starts Python, installs packages and keeps instances.
 *
 * @param python the interpreter zygotes run on
 * @param workDir where the runtime and the sockets live; short, because socket paths are limited
 * @param preloadModules what every root zygote imports before it forks anything
 * @param zygoteStartTimeout how long a zygote may take to become ready
 * @param packageStore where distributions are installed, one directory per name and version
 * @param pip how pip resolves and installs
 * @param tree how the zygote tree grows and shrinks
 * @param idleTimeout how long an idle instance is kept before its function scales down
 */
public record ExecutorSettings(
    Path python,
    Path workDir,
    List<String> preloadModules,
    Duration zygoteStartTimeout,
    Path packageStore,
    PipSettings pip,
    TreeSettings tree,
    Duration idleTimeout) {
  public ExecutorSettings {
    Objects.requireNonNull(python, "python");
    Objects.requireNonNull(workDir, "work_dir");
    Objects.requireNonNull(packageStore, "package_store");
    Objects.requireNonNull(pip, "pip");
    Objects.requireNonNull(tree, "tree");
    preloadModules = List.copyOf(preloadModules);
    if (zygoteStartTimeout.isNegative() || zygoteStartTimeout.isZero()) {
      throw new IllegalArgumentException("zygote_start_timeout must be > 0 (got " + zygoteStartTimeout + ")");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle_timeout must be > 0 (got " + idleTimeout + ")");
    }
  }

  public static ExecutorSettings defaults(Path workDir) {
    Path python = Path.of("/usr/bin/python3");
    return new ExecutorSettings(python, workDir, List.of(), Duration.ofSeconds(10), workDir.resolve("packages"),
        PipSettings.defaults(python), TreeSettings.defaults(), Duration.ofMinutes(5));
  }

  public ExecutorSettings withPip(PipSettings pip) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, idleTimeout);
  }

  public ExecutorSettings withTree(TreeSettings tree) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, idleTimeout);
  }

  public ExecutorSettings withIdleTimeout(Duration idleTimeout) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, idleTimeout);
  }
}
