package dev.sockeye.zygote.protocol;

import dev.sockeye.sandbox.SandboxHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Asks a zygote to fork an instance of {@code function} that will listen on {@code instanceSocket}, with
 * {@code sysPath} appended to its {@code sys.path}. With a {@code sandbox} (null: none), {@code codeDir},
 * {@code instanceSocket} and {@code sysPath} are paths inside the sandbox and the sandbox's descriptors
 * travel with the request.
 */
public record ForkRequest(String function, String version, Path codeDir, Path instanceSocket, Map<String, String> env,
    List<String> sysPath, SandboxHandle sandbox) {
  public ForkRequest {
    Objects.requireNonNull(function, "ForkRequest.function");
    Objects.requireNonNull(version, "ForkRequest.version");
    Objects.requireNonNull(codeDir, "ForkRequest.codeDir");
    Objects.requireNonNull(instanceSocket, "ForkRequest.instanceSocket");
    env = Map.copyOf(Objects.requireNonNull(env, "ForkRequest.env"));
    sysPath = List.copyOf(Objects.requireNonNull(sysPath, "ForkRequest.sysPath"));
  }
}
