package dev.sockeye.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Unmatched;

/**
 * {@code sockeye bench} in the production jar, which carries no benchmarks: says where the bench jar is and exits
 * 2. Stands in only when no {@link SubcommandProvider} named "bench" is on the classpath.
 */
@Command(name = "bench", description = "Benchmarks: not in this jar; run them from bench/target/sockeye-bench.jar.")
final class MissingBench implements Callable<Integer> {
  static final int EXIT = 2;
  private static final String JAR = "bench/target/sockeye-bench.jar";

  @Spec CommandSpec spec;
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() {
    Path jar = benchJar();
    String build = Files.isRegularFile(jar) ? "" : " (build it with: mvn -B -q package -DskipTests)";
    spec.commandLine().getErr().println("sockeye bench: benchmarks are not in this jar; run them with: java -jar "
        + jar + " bench " + String.join(" ", args) + build);
    return EXIT;
  }

  /** Next to this jar when it runs from consumer/target of a checkout, else relative to the working directory. */
  private static Path benchJar() {
    try {
      Path self = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path target = self.getParent();
      if (target != null && target.getParent() != null && target.getParent().getParent() != null) {
        Path candidate = target.getParent().getParent().resolve(JAR);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    } catch (Exception e) {
      // no code source (unusual class loader): fall back to the checkout-relative path
    }
    return Path.of(JAR);
  }
}
