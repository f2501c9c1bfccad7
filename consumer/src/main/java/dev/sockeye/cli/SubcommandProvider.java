package dev.sockeye.cli;

/**
 * A top-level subcommand that lives outside this module, found through {@link java.util.ServiceLoader} when its
 * jar is on the classpath (the bench module adds {@code bench} this way). Implementations need a public no-arg
 * constructor and a {@code META-INF/services/dev.sockeye.cli.SubcommandProvider} entry.
 */
public interface SubcommandProvider {
  /** The name the subcommand is called by, e.g. "bench". */
  String name();

  /** A new picocli command object (a class annotated with {@code @Command}). */
  Object command();
}
