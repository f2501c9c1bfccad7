package dev.sockeye.zygote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How to run zygotes: the Python interpreter, the directory for the runtime script and sockets, modules every
 * zygote imports before forking, and how long a zygote may take to report READY.
 */
public record ZygoteSettings(Path python, Path workDir, List<String> preloadModules, Duration startTimeout) {
  public ZygoteSettings {
    Objects.requireNonNull(python, "ZygoteSettings.python must not be null");
    Objects.requireNonNull(workDir, "ZygoteSettings.workDir must not be null");
    Objects.requireNonNull(preloadModules, "ZygoteSettings.preloadModules must not be null (use List.of())");
    Objects.requireNonNull(startTimeout, "ZygoteSettings.startTimeout must not be null");
    if (startTimeout.isZero() || startTimeout.isNegative()) {
      throw new IllegalArgumentException("ZygoteSettings.startTimeout must be positive, was " + startTimeout);
    }
    preloadModules = List.copyOf(preloadModules);
    for (String module : preloadModules) {
      if (module.isBlank() || module.contains(",")) {
        throw new IllegalArgumentException("ZygoteSettings.preloadModules: '" + module + "' is not a module name");
      }
    }
  }

  /** /usr/bin/python3, nothing preloaded, 10 s start timeout. */
  public static ZygoteSettings defaults(Path workDir) {
    return new ZygoteSettings(Path.of("/usr/bin/python3"), workDir, List.of(), Duration.ofSeconds(10));
  }
}
