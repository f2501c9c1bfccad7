package dev.sockeye.bench;

import dev.sockeye.cli.SubcommandProvider;

/** Adds {@code sockeye bench} to the CLI when this module's jar is on the classpath (ServiceLoader). */
public final class BenchSubcommand implements SubcommandProvider {
  @Override
  public String name() {
    return "bench";
  }

  @Override
  public Object command() {
    return new BenchCommand();
  }
}
