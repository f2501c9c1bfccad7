package dev.sockeye.executor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One version of a function, ready to run: its code directory holds {@code f.py}.
 *
 * @param name the function's name
 * @param version identifies the code and spec; a new version replaces the old instances
 * @param codeDir a directory holding f.py, readable by the instances
 * @param limits what the executor enforces
 * @param requirements requirements.txt lines (pinned or not); their closure is installed at deploy
 * @param tenant functions of different tenants never share a zygote; "" when none is named
 */
public record FunctionDeployment(String name, String version, Path codeDir, FunctionLimits limits,
    List<String> requirements, String tenant) {
  /** A function without requirements or tenant. */
  public FunctionDeployment(String name, String version, Path codeDir, FunctionLimits limits) {
    this(name, version, codeDir, limits, List.of(), "");
  }

  public FunctionDeployment {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(limits, "limits");
    requirements = List.copyOf(requirements);
    Objects.requireNonNull(tenant, "tenant");
    if (codeDir == null || !Files.isRegularFile(codeDir.resolve("f.py"))) {
      throw new IllegalArgumentException("function " + name + ": code_dir " + codeDir + " holds no f.py");
    }
  }
}
