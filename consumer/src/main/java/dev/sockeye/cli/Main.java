package dev.sockeye.cli;

import dev.sockeye.kafka.Secrets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Entry point of sockeye.jar and sockeye-bench.jar. Subcommands from other modules (the bench module's
 * {@code bench}) are found through {@link SubcommandProvider}; without one, {@code bench} says where its jar is.
 * Exit codes: 0 success, 1 runtime failure (Kafka unreachable, a bad
 * function directory, a failed deploy...), 2 usage error (unknown flag, bad flag value, bad --config file).
 */
@Command(
    name = "sockeye",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
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
    return run(new PrintWriter(System.err, true), args);
  }

  /** As {@link #run(String...)}, with errors printed to {@code err}. */
  public static int run(PrintWriter err, String... args) {
    return run(new PrintWriter(System.out, true), err, System.getenv(), args);
  }

  /** As {@link #run(String...)}, with help and version to {@code out}, errors to {@code err}, and {@code env} as the environment. */
  public static int run(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    CommandLine cli;
    try {
      cli = prepare(out, err, env, args);
    } catch (IllegalArgumentException e) {
      err.println("sockeye: " + Secrets.redact(e.getMessage()));
      return CommandLine.ExitCode.USAGE;
    }
    return cli.execute(args);
  }

  /**
   * The command tree ready to parse {@code args}: defaults from {@code env} and any --config file,
   * error handlers that redact secrets. Throws IllegalArgumentException for a bad --config file.
   */
  static CommandLine prepare(PrintWriter out, PrintWriter err, Map<String, String> env, String... args) {
    CommandLine cli = commandLine();
    cli.setOut(out);
    cli.setErr(err);
    FlagDefaults defaults = defaults(cli, env, args);
    cli.setDefaultValueProvider(defaults);
    cli.setParameterExceptionHandler((e, a) -> usageError(e, defaults));
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("sockeye " + cmd.getCommandName() + ": " + Secrets.redact(message(e)));
      return CommandLine.ExitCode.SOFTWARE;
    });
    return cli;
  }

  /** The command tree, every command with -h/--help and -V/--version. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    for (SubcommandProvider provider : ServiceLoader.load(SubcommandProvider.class)) {
      cli.addSubcommand(provider.name(), provider.command());
    }
    if (!cli.getSubcommands().containsKey("bench")) {
      cli.addSubcommand("bench", new MissingBench());
    }
    standardOptions(cli);
    return cli;
  }

  private static void standardOptions(CommandLine c) {
    CommandSpec spec = c.getCommandSpec();
    if (!spec.mixinStandardHelpOptions()) {
      spec.mixinStandardHelpOptions(true);
    }
    spec.versionProvider(new Version());
    c.getSubcommands().values().forEach(Main::standardOptions);
  }

  /** Environment variables for every command, and the --config file of the command it is given to. */
  private static FlagDefaults defaults(CommandLine root, Map<String, String> env, String[] args) {
    CommandLine command = root;
    int i = 0;
    while (i < args.length && command.getSubcommands().containsKey(args[i])) {
      command = command.getSubcommands().get(args[i++]);
    }
    Path file = configArgument(Arrays.copyOfRange(args, i, args.length), env);
    if (file == null || command.getCommandSpec().findOption("--config") == null) {
      return new FlagDefaults(env, null, null);
    }
    return new FlagDefaults(env, command.getCommandSpec(), ConfigFile.load(file, command.getCommandSpec()));
  }

  /** The value of --config (picocli's own parse comes later and needs the file's values as defaults). */
  private static Path configArgument(String[] args, Map<String, String> env) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        return Path.of(args[i + 1]);
      }
      if (args[i].startsWith("--config=")) {
        return Path.of(args[i].substring("--config=".length()));
      }
    }
    String fromEnv = env.get(FlagDefaults.variable("config"));
    return fromEnv == null ? null : Path.of(fromEnv);
  }

  /** A bad flag value: named by its key and file, or its variable, when it came from there. */
  private static int usageError(CommandLine.ParameterException e, FlagDefaults defaults) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String source = defaults.sourceOf(e.getArgSpec(), e.getValue());
    err.println(Secrets.redact(source == null ? e.getMessage() : source + ": " + e.getMessage()));
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    return CommandLine.ExitCode.USAGE;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null ? e.toString() : m;
  }
}
