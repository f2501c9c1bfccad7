package dev.sockeye.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every command, found in picocli's tree so that new ones are covered, answers --help, -h and --version through Main. */
class HelpAndVersionTest {
  /** Every command path, e.g. [], [run], [bench, sandbox]. */
  static Stream<List<String>> commands() {
    List<List<String>> out = new ArrayList<>();
    collect(Main.commandLine(), new ArrayList<>(), out);
    return out.stream();
  }

  private static void collect(CommandLine c, List<String> path, List<List<String>> out) {
    out.add(List.copyOf(path));
    c.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandSpec().name().equals(name)) { // not an alias
        List<String> p = new ArrayList<>(path);
        p.add(name);
        collect(sub, p, out);
      }
    });
  }

  record Run(int code, String out, String err) {}

  static Run run(List<String> path, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(path);
    args.addAll(List.of(extra));
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void helpPrintsUsageAndExitsZero(List<String> path) {
    for (String flag : List.of("--help", "-h")) {
      Run r = run(path, flag);
      assertEquals(0, r.code(), path + " " + flag + ": " + r.err());
      assertTrue(r.out().startsWith("Usage: " + String.join(" ", prepend("sockeye", path))), r.out());
    }
  }

  @ParameterizedTest
  @MethodSource("commands")
  void versionPrintsTheProjectVersionAndExitsZero(List<String> path) {
    Run r = run(path, "--version");
    assertEquals(0, r.code(), path + ": " + r.err());
    assertTrue(r.out().startsWith("sockeye " + Version.read()), r.out());
    assertTrue(!Version.read().startsWith("unknown"), Version.read());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void anUnknownFlagIsAUsageErrorWithExitCodeTwo(List<String> path) {
    Run r = run(path, "--no-such-flag");
    assertEquals(2, r.code(), path + ": " + r.out() + r.err());
    // picocli names the first problem: the unknown flag, or a required parameter that is missing
    assertTrue(r.err().contains("--no-such-flag") || r.err().contains("Missing required"), r.err());
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> l = new ArrayList<>();
    l.add(first);
    l.addAll(rest);
    return l;
  }
}
