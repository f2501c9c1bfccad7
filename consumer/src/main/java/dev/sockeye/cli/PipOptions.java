package dev.sockeye.cli;

import dev.sockeye.executor.packages.PipSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Where packages come from: pip's configured index by default, or what these options say. */
public final class PipOptions {
  @Option(names = "--index-url", description = "Package index to use instead of pip's configured one")
  String indexUrl;

  @Option(names = "--find-links", split = ",", description = "A directory or page of wheels to use too (repeatable, or comma-separated)")
  List<String> findLinks = new ArrayList<>();

  @Option(names = "--no-index", description = "Use only --find-links: offline wheelhouses")
  boolean noIndex;

  @Option(names = "--pip-timeout-s", defaultValue = "600", description = "Longest one pip run may take (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  public PipSettings settings(Path python) {
    return new PipSettings(python, indexUrl, findLinks, noIndex, Duration.ofSeconds(timeoutSeconds), 2L << 30);
  }
}
