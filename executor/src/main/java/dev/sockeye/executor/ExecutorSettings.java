package dev.sockeye.executor;

import dev.sockeye.executor.packages.PipSettings;
import dev.sockeye.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the executor starts Python, installs packages, keeps instances and sandboxes them.
 *
 * @param python the interpreter zygotes run on
 * @param workDir where the runtime and the sockets live; short, because socket paths are limited
 * @param preloadModules what every root zygote imports before it forks anything
 * @param zygoteStartTimeout how long a zygote may take to become ready
 * @param packageStore where distributions are installed, one directory per name and version
 * @param pip how pip resolves and installs
 * @param tree how the zygote tree (SOCK's import cache) grows and shrinks, and the spares each zygote keeps
 * @param handlerCache when idle instances are frozen and closed
 * @param sandbox how to sandbox zygotes and instances; null runs them unsandboxed (development only).
 *     Its package directory must be {@code packageStore}: sandboxes see the store at /packages
 */
public record ExecutorSettings(
    Path python,
    Path workDir,
    List<String> preloadModules,
    Duration zygoteStartTimeout,
    Path packageStore,
    PipSettings pip,
    ImportCacheSettings tree,
    HandlerCacheSettings handlerCache,
    SandboxSettings sandbox) {
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
    Objects.requireNonNull(handlerCache, "handler_cache");
    if (sandbox != null && !sandbox.packages().toAbsolutePath().equals(packageStore.toAbsolutePath())) {
      throw new IllegalArgumentException("sandbox packages " + sandbox.packages() + " must be the package store "
          + packageStore + ": sandboxes see the store at /packages");
    }
  }

  /** Unsandboxed, /usr/bin/python3, nothing preloaded, packages under {@code workDir/packages}. */
  public static ExecutorSettings defaults(Path workDir) {
    Path python = Path.of("/usr/bin/python3");
    return new ExecutorSettings(python, workDir, List.of(), Duration.ofSeconds(10), workDir.resolve("packages"),
        PipSettings.defaults(python), ImportCacheSettings.defaults(), HandlerCacheSettings.defaults(), null);
  }

  /** As {@link #defaults}, sandboxed with the host base and {@code hidden} paths covered. */
  public static ExecutorSettings sandboxed(Path workDir, List<Path> hidden) {
    SandboxSettings d = SandboxSettings.defaults(workDir.resolve("sb"), hidden);
    return defaults(workDir).withSandbox(d).withPackageStore(d.packages());
  }

  public ExecutorSettings withPip(PipSettings pip) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, handlerCache, sandbox);
  }

  public ExecutorSettings withTree(ImportCacheSettings tree) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, handlerCache, sandbox);
  }

  public ExecutorSettings withHandlerCache(HandlerCacheSettings handlerCache) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, packageStore, pip, tree, handlerCache, sandbox);
  }

  /** Checks the store and the sandbox agree only once both are set: set the store second. */
  public ExecutorSettings withSandbox(SandboxSettings sandbox) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout,
        sandbox == null ? packageStore : sandbox.packages(), pip, tree, handlerCache, sandbox);
  }

  public ExecutorSettings withPackageStore(Path store) {
    return new ExecutorSettings(python, workDir, preloadModules, zygoteStartTimeout, store, pip, tree, handlerCache, sandbox);
  }
}
