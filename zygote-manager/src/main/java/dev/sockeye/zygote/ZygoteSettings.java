package dev.sockeye.zygote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run zygotes: the Python interpreter, the directory for the runtime script and sockets, modules every
 * zygote imports before forking, how long a zygote may take to report READY, and how many spares (children
 * forked ahead of demand, which the JVM sends a fork request directly so the zygote is off the request's path)
 * each zygote that forks instances keeps; 0 forks on demand.
 */
public record ZygoteSettings(Path python, Path workDir, List<String> preloadModules, Duration startTimeout,
    int sparesPerZygote) {
  /** Spares per zygote unless set. */
  public static final int DEFAULT_SPARES = 2;

  public ZygoteSettings {
    Objects.requireNonNull(python, "ZygoteSettings.python must not be null");
    Objects.requireNonNull(workDir, "ZygoteSettings.workDir must not be null");
    Objects.requireNonNull(preloadModules, "ZygoteSettings.preloadModules must not be null (use List.of())");
    Objects.requireNonNull(startTimeout, "ZygoteSettings.startTimeout must not be null");
    if (startTimeout.isZero() || startTimeout.isNegative()) {
      throw new IllegalArgumentException("ZygoteSettings.startTimeout must be positive, was " + startTimeout);
    }
    if (sparesPerZygote < 0) {
      throw new IllegalArgumentException("ZygoteSettings.sparesPerZygote must be >= 0, was " + sparesPerZygote);
    }
    preloadModules = List.copyOf(preloadModules);
    for (String module : preloadModules) {
      if (module.isBlank() || module.contains(",")) {
        throw new IllegalArgumentException("ZygoteSettings.preloadModules: '" + module + "' is not a module name");
      }
    }
  }

  /** With {@link #DEFAULT_SPARES} spares per zygote. */
  public ZygoteSettings(Path python, Path workDir, List<String> preloadModules, Duration startTimeout) {
    this(python, workDir, preloadModules, startTimeout, DEFAULT_SPARES);
  }

  public ZygoteSettings withSparesPerZygote(int spares) {
    return new ZygoteSettings(python, workDir, preloadModules, startTimeout, spares);
  }

  /** /usr/bin/python3, nothing preloaded, 10 s start timeout, {@link #DEFAULT_SPARES} spares per zygote. */
  public static ZygoteSettings defaults(Path workDir) {
    return new ZygoteSettings(Path.of("/usr/bin/python3"), workDir, List.of(), Duration.ofSeconds(10));
  }
}
