package dev.sockeye.cli;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Flag values that were not given on the command line: from a {@code SOCKEYE_<FLAG>} environment
 * variable ({@code --zygote-memory-mb} is {@code SOCKEYE_ZYGOTE_MEMORY_MB}), else from the
 * {@code --config} file of the command it was given to, else the flag's own default. Remembers where
 * each value came from, so that a bad one is reported by its key and file or its variable.
 */
final class FlagDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;
  private final CommandSpec configured; // the command the config file belongs to; null without one
  private final ConfigFile config;
  private final Map<ArgSpec, Source> sources = new ConcurrentHashMap<>();

  private record Source(String where, String value) {}

  FlagDefaults(Map<String, String> env, CommandSpec configured, ConfigFile config) {
    this.env = env;
    this.configured = configured;
    this.config = config;
  }

  static String variable(String flag) {
    return "SOCKEYE_" + flag.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec o) || o.usageHelp() || o.versionHelp()) {
      return null;
    }
    String flag = o.longestName().replaceFirst("^-+", "");
    String fromEnv = env.get(variable(flag));
    if (fromEnv != null) {
      sources.put(arg, new Source("environment variable " + variable(flag), fromEnv));
      return fromEnv;
    }
    if (config != null && o.command() == configured) {
      String fromFile = config.values().get(flag);
      if (fromFile != null) {
        sources.put(arg, new Source(config.file() + ": key " + flag, fromFile));
        return fromFile;
      }
    }
    return null;
  }

  /** Where {@code value} of {@code arg} came from, if from the environment or the file; null otherwise. */
  String sourceOf(ArgSpec arg, String value) {
    Source s = arg == null ? null : sources.get(arg);
    return s != null && (value == null || s.value().equals(value) || s.value().contains(value)) ? s.where() : null;
  }
}
