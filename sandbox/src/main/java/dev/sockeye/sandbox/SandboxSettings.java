package dev.sockeye.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How sandboxes are built on this host.
 *
 * @param area a directory of ours (under the data directory) where the base and every sandbox root are mounted
 * @param base the root filesystem source: "/" for the host (read-only, sensitive paths hidden) or an image dir
 * @param packages the package store, bound read-only at /packages
 * @param hidden more host paths to cover inside sandboxes (the data directory, Kafka's log directory)
 * @param cgroupRoot where cgroups are mounted, normally /sys/fs/cgroup
 * @param firstUid sandboxes run as uids firstUid .. firstUid + 59999, one per live sandbox
 * @param spare how many cgroups and network namespaces to keep ready
 */
public record SandboxSettings(Path area, Path base, Path packages, List<Path> hidden, Path cgroupRoot, int firstUid,
    int spare) {
  public SandboxSettings {
    Objects.requireNonNull(area, "sandbox area");
    Objects.requireNonNull(base, "sandbox base");
    Objects.requireNonNull(packages, "packages");
    hidden = List.copyOf(hidden);
    Objects.requireNonNull(cgroupRoot, "cgroup root");
    if (firstUid < 1000) {
      throw new IllegalArgumentException("sandbox first_uid must be >= 1000 (got " + firstUid + ")");
    }
    if (spare < 0) {
      throw new IllegalArgumentException("sandbox spare must be >= 0 (got " + spare + ")");
    }
  }

  /** The host base, uids from 200000, 16 spare cgroups and namespaces, everything under {@code area}. */
  public static SandboxSettings defaults(Path area, List<Path> hidden) {
    return new SandboxSettings(area, Path.of("/"), area.resolve("packages"), hidden, Path.of("/sys/fs/cgroup"),
        200_000, 16);
  }
}
