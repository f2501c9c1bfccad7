package dev.sockeye.zygote.protocol;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Asks a zygote to fork a child zygote that keeps everything the parent imported, appends {@code sysPath}
 * to its {@code sys.path}, imports {@code modules} and then listens on {@code socket}.
 */
public record ForkZygoteRequest(String name, Path socket, List<String> sysPath, List<String> modules) {
  public ForkZygoteRequest {
    Objects.requireNonNull(name, "ForkZygoteRequest.name");
    Objects.requireNonNull(socket, "ForkZygoteRequest.socket");
    sysPath = List.copyOf(sysPath);
    modules = List.copyOf(modules);
  }
}
