package dev.sockeye.cli;

import dev.sockeye.service.Isolation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The sandbox options shared by {@code run} and {@code demo}. */
final class SandboxOptions {
  @Option(names = "--unsafe-no-sandbox", description = "Run handlers WITHOUT isolation (development only; logged at start and marked UNSANDBOXED_* in every result)")
  boolean unsafeNoSandbox;

  @Option(names = "--base", defaultValue = "/", description = "Sandbox root filesystem: / (the host, read-only, sensitive paths hidden) or a directory from 'sockeye base create|import' (default: ${DEFAULT-VALUE})")
  Path base;

  @Option(names = "--hide", split = ",", description = "A host path handlers must not see, e.g. an external broker's log directory (repeatable, or comma-separated; the data directory is always hidden)")
  List<Path> hide = new ArrayList<>();

  Isolation isolation() {
    return new Isolation(unsafeNoSandbox, base, hide);
  }
}
