package dev.sockeye.tests;

import dev.sockeye.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/** Runs the real CLI {@code Main} in this JVM and captures what it prints. Tests run one at a time, so System.out may be swapped. */
final class Cli {
  /** Exit code, standard output and the error stream of one command. */
  record Run(int code, String out, String err) {}

  private Cli() {}

  static synchronized Run run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(new PrintWriter(err, true), args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(original);
    }
  }
}
