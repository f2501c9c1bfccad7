package dev.sockeye.sandbox;

import dev.sockeye.sandbox.cgroup.CgroupLayout;
import dev.sockeye.sandbox.cgroup.MissingControllerException;
import dev.sockeye.sandbox.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The startup checks: everything sandboxes need, each failure named, all reported at once so an operator fixes
 * them in one go. Stateless; {@code proc} and the cgroup root are parameters so tests can point at fake trees.
 */
final class SandboxCheck {
  static final List<String> NAMESPACES = List.of("mnt", "net", "uts", "ipc", "pid");

  private SandboxCheck() {}

  /** Returns the detected cgroup layout or throws naming every missing piece. */
  static CgroupLayout verify(boolean root, Path proc, Path cgroupRoot, Path base, Path python) {
    List<String> missing = new ArrayList<>();
    if (!root) {
      missing.add("root privileges (euid 0): mounts, cgroups, chroot and namespaces need them");
    }
    for (String ns : NAMESPACES) {
      if (!Files.exists(proc.resolve("self/ns").resolve(ns))) {
        missing.add("kernel support for " + ns + " namespaces (" + proc + "/self/ns/" + ns + " is absent)");
      }
    }
    if (!seccompAvailable(proc)) {
      missing.add("kernel support for seccomp filters (no Seccomp line in " + proc + "/self/status)");
    }
    Path inBase = base.resolve(python.toString().substring(1));
    if (!Files.exists(inBase)) {
      missing.add("python at " + python + " inside the sandbox base " + base + " (" + inBase + " does not exist)");
    }
    CgroupLayout layout = null;
    try {
      layout = CgroupLayout.detect(cgroupRoot);
    } catch (MissingControllerException e) {
      missing.add(e.getMessage());
    }
    if (!missing.isEmpty()) {
      throw new SandboxUnavailableException("cannot sandbox handlers on this host; missing: "
          + String.join("; ", missing) + ". Fix these, or run with --unsafe-no-sandbox for development only.");
    }
    return layout;
  }

  static CgroupLayout verifyHost(Path base, Path cgroupRoot, Path python) {
    return verify(Sys.isRoot(), Path.of("/proc"), cgroupRoot, base, python);
  }

  private static boolean seccompAvailable(Path proc) {
    try {
      return Files.readAllLines(proc.resolve("self/status")).stream().anyMatch(l -> l.startsWith("Seccomp:"));
    } catch (IOException e) {
      return false;
    }
  }
}
