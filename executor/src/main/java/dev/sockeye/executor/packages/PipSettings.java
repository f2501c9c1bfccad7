package dev.sockeye.executor.packages;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How pip runs. By default it uses its own configured index; {@code indexUrl} replaces it,
 * {@code findLinks} adds local wheelhouses, and {@code noIndex} uses only those (offline).
 *
 * @param python the interpreter the handlers run on, whose pip resolves for its version and ABI
 * @param indexUrl replaces pip's index, or null
 * @param findLinks extra wheel directories or pages
 * @param noIndex use only {@code findLinks}
 * @param timeout the longest one pip run may take
 * @param memoryLimitBytes address-space limit of one pip run
 */
public record PipSettings(Path python, String indexUrl, List<String> findLinks, boolean noIndex, Duration timeout, long memoryLimitBytes) {
  public PipSettings {
    Objects.requireNonNull(python, "python");
    findLinks = List.copyOf(findLinks);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("pip timeout must be > 0 (got " + timeout + ")");
    }
    if (memoryLimitBytes < 64L << 20) {
      throw new IllegalArgumentException("pip memory limit must be >= 64 MiB (got " + memoryLimitBytes + ")");
    }
    if (noIndex && findLinks.isEmpty()) {
      throw new IllegalArgumentException("no_index needs at least one find_links location");
    }
  }

  public static PipSettings defaults(Path python) {
    return new PipSettings(python, null, List.of(), false, Duration.ofMinutes(10), 2L << 30);
  }

  /** The options that select where packages come from, for every pip command. */
  List<String> sourceOptions() {
    List<String> options = new java.util.ArrayList<>();
    if (indexUrl != null) {
      options.addAll(List.of("--index-url", indexUrl));
    }
    if (noIndex) {
      options.add("--no-index");
    }
    findLinks.forEach(f -> options.addAll(List.of("--find-links", f)));
    return options;
  }
}
