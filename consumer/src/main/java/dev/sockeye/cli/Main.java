package dev.sockeye.cli;

import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of sockeye.jar and sockeye-bench.jar. Subcommands from other modules (the bench module's
 * {@code bench}) are found through {@link SubcommandProvider}; without one, {@code bench} says where its jar is.
 */
@Command(
    name = "sockeye",
    mixinStandardHelpOptions = true,
    version = "sockeye 0.1.0",
    description = "Runs Python functions on Kafka events, forked from warm zygotes (SOCK).",
    subcommands = {
      RunCommand.class,
      DeployCommand.class,
      UndeployCommand.class,
      ProduceCommand.class,
      ResultsCommand.class,
      LogsCommand.class,
      StatusCommand.class,
      FunctionsCommand.class,
      InvokeCommand.class,
      DemoCommand.class,
      BaseCommand.class,
      ReplayCommand.class
    })
public final class Main {
  public static void main(String[] args) throws Exception {
    List<String> reexec = MountNamespace.reexecCommand(args);
    System.exit(reexec.isEmpty() ? run(args) : MountNamespace.run(reexec));
  }

  /** Runs a command and returns its exit code; errors are printed, never thrown. */
  public static int run(String... args) {
    return run(new java.io.PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, with errors printed to {@code err}. */
  public static int run(java.io.PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
      cli.addSubcommand(provider.name(), provider.command());
    }
    if (!cli.getSubcommands().containsKey("bench")) {
      cli.addSubcommand("bench", new MissingBench());
    }
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("sockeye " + cmd.getCommandName() + ": " + message(e));
      return 1;
    });
    return cli.execute(args);
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.toString() : m;
  }
}
