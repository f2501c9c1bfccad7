package dev.sockeye.zygote;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to run in an instance: {@code codeDir/f.py} of {@code function} at {@code version}, with {@code env}
 * added to the instance's environment and {@code sysPath} (the function's package directories) appended to
 * {@code sys.path} before f.py is imported.
 */
public record InstanceSpec(String function, String version, Path codeDir, Map<String, String> env, List<String> sysPath) {
  /** Function names become instance ids and log names, so they are kept to a safe alphabet. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  public InstanceSpec {
    Objects.requireNonNull(function, "InstanceSpec.function must not be null");
    if (!NAME.matcher(function).matches()) {
      throw new IllegalArgumentException("InstanceSpec.function '" + function + "' must match " + NAME);
    }
    Objects.requireNonNull(version, "InstanceSpec.version must not be null");
    Objects.requireNonNull(codeDir, "InstanceSpec.codeDir must not be null");
    env = Map.copyOf(Objects.requireNonNull(env, "InstanceSpec.env must not be null"));
    sysPath = List.copyOf(Objects.requireNonNull(sysPath, "InstanceSpec.sysPath must not be null"));
  }

  /** A function without packages of its own. */
  public InstanceSpec(String function, String version, Path codeDir, Map<String, String> env) {
    this(function, version, codeDir, env, List.of());
  }
}
