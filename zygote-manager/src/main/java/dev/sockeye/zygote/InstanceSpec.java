package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What to run in an instance: {@code codeDir/f.py} of {@code function} at {@code version}, with {@code env}
 * added to the instance's environment and {@code sysPath} (the function's package directories, as the
 * instance sees them) appended to {@code sys.path} before f.py is imported. With a {@code sandbox} (null:
 * none), the instance is forked into it, sees its code at /handler, and the instance takes ownership of the
 * sandbox (closing the instance closes it).
 */
public record InstanceSpec(String function, String version, Path codeDir, Map<String, String> env,
    List<String> sysPath, SandboxHandle sandbox) {
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

  /** An unsandboxed instance without packages of its own. */
  public InstanceSpec(String function, String version, Path codeDir, Map<String, String> env) {
    this(function, version, codeDir, env, List.of(), null);
  }

  /** An instance without packages of its own, in {@code sandbox}. */
  public InstanceSpec(String function, String version, Path codeDir, Map<String, String> env, SandboxHandle sandbox) {
    this(function, version, codeDir, env, List.of(), sandbox);
  }

  /** An unsandboxed instance with packages. */
  public InstanceSpec(String function, String version, Path codeDir, Map<String, String> env, List<String> sysPath) {
    this(function, version, codeDir, env, sysPath, null);
  }

  public InstanceSpec withSysPath(List<String> paths) {
    return new InstanceSpec(function, version, codeDir, env, paths, sandbox);
  }

  public InstanceSpec withSandbox(SandboxHandle box) {
    return new InstanceSpec(function, version, codeDir, env, sysPath, box);
  }
}
