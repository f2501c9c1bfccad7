package dev.sockeye.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How handlers are isolated.
 *
 * @param unsafeNoSandbox run handlers without any isolation (development only; every result says so)
 * @param base the sandbox root filesystem: "/" (the host, read-only, sensitive paths hidden) or an image dir
 * @param hidden more host paths to hide from handlers (the data directory is always hidden)
 */
public record Isolation(boolean unsafeNoSandbox, Path base, List<Path> hidden) {
  public Isolation {
    Objects.requireNonNull(base, "base");
    hidden = List.copyOf(hidden);
  }

  public static Isolation sandboxed() {
    return new Isolation(false, Path.of("/"), List.of());
  }
}
