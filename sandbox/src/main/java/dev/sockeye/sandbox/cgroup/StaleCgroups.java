package dev.sockeye.sandbox.cgroup;

import dev.sockeye.sandbox.sys.Sys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the cgroup pools of services that died without closing them (SIGKILL, a crash): a parent
 * {@code sockeye-<pid>-<n>} whose pid no longer runs. What is left inside is killed first. Runs once, at
 * start, before the new pool exists; a live service's pools are never touched. Stateless.
 */
final class StaleCgroups {
  private static final Logger log = LoggerFactory.getLogger(StaleCgroups.class);
  private static final Pattern POOL = Pattern.compile("sockeye-(\\d+)-\\d+");
  private static final int SIGKILL = 9;
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(5);

  private StaleCgroups() {}

  static void sweep(CgroupLayout layout) {
    List<Path> pools = new java.util.ArrayList<>();
    for (Path root : layout.directories("")) {
      try (Stream<Path> entries = Files.list(root)) {
        entries.filter(StaleCgroups::isDeadPool).forEach(pools::add);
      } catch (IOException e) {
        log.warn("could not look for stale cgroups in {}: {}", root, e.toString());
      }
    }
    // Thaw and kill in every hierarchy before removing any: a frozen process ignores SIGKILL until thawed,
    // and on v1 the freezer is a hierarchy of its own.
    pools.forEach(StaleCgroups::thawAndKill);
    pools.forEach(StaleCgroups::remove);
  }

  private static void thawAndKill(Path pool) {
    for (Path d : dirsDeepestFirst(pool)) {
      try {
        CgroupFiles.writeIfPresent(d.resolve("freezer.state"), "THAWED");
        CgroupFiles.writeIfPresent(d.resolve("cgroup.freeze"), "0");
        CgroupFiles.pids(d.resolve("cgroup.procs")).forEach(pid -> Sys.C.kill(pid, SIGKILL));
      } catch (RuntimeException e) {
        log.warn("could not empty stale cgroup {}: {}", d, e.toString());
      }
    }
  }

  private static List<Path> dirsDeepestFirst(Path pool) {
    try (Stream<Path> walk = Files.walk(pool)) {
      return walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      return List.of();
    }
  }

  private static boolean isDeadPool(Path dir) {
    Matcher m = POOL.matcher(dir.getFileName().toString());
    return Files.isDirectory(dir) && m.matches()
        && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
  }

  /** Waits (bounded) for the killed processes to leave, then removes the directories. */
  private static void remove(Path pool) {
    try {
      for (Path d : dirsDeepestFirst(pool)) {
        Path procs = d.resolve("cgroup.procs");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!CgroupFiles.pids(procs).isEmpty() && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(5_000_000); // exiting processes leave within ms
        }
        CgroupFiles.rmdir(d);
      }
      log.info("removed stale cgroup pool {} of a service that is gone", pool);
    } catch (RuntimeException e) {
      log.warn("could not remove stale cgroup pool {}: {}", pool, e.toString());
    }
  }
}
