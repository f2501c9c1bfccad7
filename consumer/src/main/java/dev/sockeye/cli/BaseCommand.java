package dev.sockeye.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sockeye base create|import}: build a sandbox root filesystem to pass to {@code run --base DIR}. */
@Command(name = "base", description = "Build a sandbox base root filesystem (for run --base DIR).",
    subcommands = {BaseCommand.Create.class, BaseCommand.Import.class})
final class BaseCommand {
  /** Runs {@code command}, forwarding its output; a missing tool is named with the package that provides it. */
  static int exec(List<String> command, String tool, String aptPackage) throws Exception {
    if (!Files.isExecutable(Path.of(tool))) {
      throw new IllegalStateException(tool + " is not installed (apt-get install -y " + aptPackage + ")");
    }
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }

  static int checkPython(Path dir, int code) {
    if (code == 0 && !Files.isExecutable(dir.resolve("usr/bin/python3"))) {
      System.err.println("warning: " + dir + "/usr/bin/python3 is missing; handlers need python3 in the base");
    }
    if (code == 0) {
      System.out.println("base ready; start the service with: sockeye run --base " + dir.toAbsolutePath());
    }
    return code;
  }

  @Command(name = "create", description = "debootstrap a minimal Debian bookworm with python3 into DIR (about a minute, 260 MB).")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR")
    Path dir;

    @Option(names = "--suite", defaultValue = "bookworm")
    String suite;

    @Option(names = "--mirror", description = "Debian mirror (default: debootstrap's)")
    String mirror;

    @Override
    public Integer call() throws Exception {
      List<String> command = new java.util.ArrayList<>(List.of("/usr/sbin/debootstrap", "--variant=minbase",
          "--include=python3", suite, dir.toString()));
      if (mirror != null) {
        command.add(mirror);
      }
      return checkPython(dir, exec(command, "/usr/sbin/debootstrap", "debootstrap"));
    }
  }

  @Command(name = "import", description = "Unpack an exported image tarball (e.g. docker export) into DIR.")
  static final class Import implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TAR")
    Path tar;

    @Option(names = "--to", required = true, paramLabel = "DIR")
    Path dir;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(tar)) {
        throw new IllegalArgumentException("import " + tar + ": no such file");
      }
      Files.createDirectories(dir);
      return checkPython(dir, exec(List.of("/usr/bin/tar", "--numeric-owner", "-xpf", tar.toString(), "-C",
          dir.toString()), "/usr/bin/tar", "tar"));
    }
  }
}
