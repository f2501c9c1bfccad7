package dev.sockeye.zygote.protocol;

import dev.sockeye.zygote.SandboxHandle;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Asks a zygote to fork an instance of {@code function} that will listen on {@code instanceSocket}. With a
 * {@code sandbox} (null: none), {@code codeDir} and {@code instanceSocket} are paths inside the sandbox and the
 * sandbox's descriptors travel with the request.
 */
public record ForkRequest(String function, String version, Path codeDir, Path instanceSocket, Map<String, String> env,
    SandboxHandle sandbox) {
  public ForkRequest {
    Objects.requireNonNull(function, "ForkRequest.function");
    Objects.requireNonNull(version, "ForkRequest.version");
    Objects.requireNonNull(codeDir, "ForkRequest.codeDir");
    Objects.requireNonNull(instanceSocket, "ForkRequest.instanceSocket");
    env = Map.copyOf(Objects.requireNonNull(env, "ForkRequest.env"));
  }
}
