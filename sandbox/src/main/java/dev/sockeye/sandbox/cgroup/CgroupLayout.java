package dev.sockeye.sandbox.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where the controllers a sandbox needs live: each on its own v1 hierarchy, or all on the v2 unified tree.
 * Detected once at start from the cgroup mount root (normally /sys/fs/cgroup; tests pass a fake tree).
 */
public sealed interface CgroupLayout {
  /** Controllers every sandbox cgroup uses, in the order their cgroup.procs descriptors are sent. */
  List<String> V1_CONTROLLERS = List.of("memory", "cpu", "pids", "freezer");
  /** On v2 the freezer is built in (cgroup.freeze), so only these must be listed in cgroup.controllers. */
  List<String> V2_CONTROLLERS = List.of("memory", "cpu", "pids");

  /** The directories of cgroup {@code relative}: one per controller on v1, in {@link #V1_CONTROLLERS} order. */
  List<Path> directories(String relative);

  /** cgroup v1: one directory per controller, e.g. memory -> /sys/fs/cgroup/memory. */
  record V1(Map<String, Path> hierarchies) implements CgroupLayout {
    public V1 {
      hierarchies = Map.copyOf(hierarchies);
    }

    @Override
    public List<Path> directories(String relative) {
      return V1_CONTROLLERS.stream().map(c -> hierarchies.get(c).resolve(relative)).toList();
    }
  }

  /** cgroup v2: the unified tree at {@code root}. */
  record V2(Path root) implements CgroupLayout {
    @Override
    public List<Path> directories(String relative) {
      return List.of(root.resolve(relative));
    }
  }

  /**
   * Pure v2 when {@code root/cgroup.controllers} lists memory, cpu and pids; otherwise v1 hierarchies for memory,
   * cpu, pids and freezer (a hybrid host's v2 tree without controllers is ignored). Anything else fails with a
   * message naming the missing controller.
   */
  public static CgroupLayout detect(Path root) {
    Path controllers = root.resolve("cgroup.controllers");
    if (Files.isRegularFile(controllers)) {
      Set<String> available = Set.of(read(controllers).trim().split("\\s+"));
      List<String> missing = V2_CONTROLLERS.stream().filter(c -> !available.contains(c)).toList();
      if (!missing.isEmpty()) {
        throw new MissingControllerException("cgroup v2 at " + root + " lacks controller(s) " + missing
            + " (cgroup.controllers lists: " + String.join(" ", available) + ")");
      }
      return new V2(root);
    }
    Map<String, Path> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String controller : V1_CONTROLLERS) {
      Path dir = root.resolve(controller);
      if (Files.isRegularFile(dir.resolve("cgroup.procs"))) {
        found.put(controller, dir);
      } else {
        missing.add(controller);
      }
    }
    if (!missing.isEmpty()) {
      throw new MissingControllerException("cgroups at " + root + ": no v2 tree with memory, cpu and pids, and no v1"
          + " hierarchy for controller(s) " + missing + " (looked for " + root + "/<controller>/cgroup.procs)");
    }
    return new V1(found);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file + ": " + e.getMessage(), e);
    }
  }
}
