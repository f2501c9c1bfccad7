package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The extracted runtime (sockeye_runtime.pyz, the zipapp the build makes of src/main/python/sockeye_runtime) and
 * the command lines that run it. Immutable.
 */
record RuntimeScript(Path python, Path script) {
  private static final String RESOURCE = "sockeye_runtime.pyz";

  /** Copies the runtime from the classpath into {@code workDir}, replacing any older copy. */
  static RuntimeScript extract(Path python, Path workDir) {
    Path target = workDir.resolve(RESOURCE).toAbsolutePath();
    try (InputStream in = RuntimeScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("extract " + RESOURCE + ": resource missing from the classpath"
            + " (zygote-manager's build makes it from src/main/python at process-resources)");
      }
      Files.createDirectories(workDir);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return new RuntimeScript(python, target);
    } catch (IOException e) {
      throw new UncheckedIOException("extract " + RESOURCE + " to " + target + ": " + e.getMessage(), e);
    }
  }

  List<String> zygote(Path socket, List<String> preload) {
    List<String> command = base("zygote", socket);
    if (!preload.isEmpty()) {
      command.addAll(List.of("--preload", String.join(",", preload)));
    }
    return command;
  }

  List<String> instance(Path socket, InstanceSpec spec) {
    List<String> command = base("instance", socket);
    command.addAll(List.of("--code-dir", spec.codeDir().toAbsolutePath().toString(),
        "--function", spec.function(), "--version", spec.version()));
    if (!spec.sysPath().isEmpty()) {
      command.addAll(List.of("--sys-path", String.join(java.io.File.pathSeparator, spec.sysPath())));
    }
    return command;
  }

  /**
   * The host's interpreter runs {@code enter}, which joins the sandbox's cgroups, a new network namespace and
   * its root, then execs the sandbox's own interpreter on the copy of the runtime placed in the sandbox's /host
   * (one file: a zipapp runs from any directory the zygote, root in its chroot, can read).
   */
  List<String> sandboxedZygote(SandboxHandle box, List<String> preload) {
    Path inside = box.hostRoot().resolve("host").resolve(RESOURCE);
    try {
      Files.copy(script, inside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("copy " + RESOURCE + " into zygote sandbox " + inside + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>(List.of(python.toString(), "-u", script.toString(), "enter",
        "--root", box.hostRoot().toString(), "--cgroup-procs",
        String.join(",", box.cgroupProcsPaths().stream().map(Path::toString).toList()), "--",
        python.toString(), "-u", "/host/" + RESOURCE, "zygote", "--socket", "/host/z.sock"));
    if (!preload.isEmpty()) {
      command.addAll(List.of("--preload", String.join(",", preload)));
    }
    return command;
  }

  private List<String> base(String mode, Path socket) {
    // -u: handler prints reach the drained pipes (and the log) as they happen, not when a buffer fills.
    return new ArrayList<>(List.of(python.toString(), "-u", script.toString(), mode, "--socket", socket.toString()));
  }
}
