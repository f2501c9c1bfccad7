package dev.sockeye.executor.sandbox.cgroup;

import dev.sockeye.executor.sandbox.sys.Sys;
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

  private StaleCgroups() {}

  static void sweep(CgroupLayout layout) {
    for (Path root : layout.directories("")) {
      try (Stream<Path> entries = Files.list(root)) {
        entries.filter(StaleCgroups::isDeadPool).forEach(StaleCgroups::remove);
      } catch (IOException e) {
        log.warn("could not look for stale cgroups in {}: {}", root, e.toString());
      }
    }
  }

  private static boolean isDeadPool(Path dir) {
    Matcher m = POOL.matcher(dir.getFileName().toString());
    return Files.isDirectory(dir) && m.matches()
        && ProcessHandle.of(Long.parseLong(m.group(1))).map(p -> !p.isAlive()).orElse(true);
  }

  private static void remove(Path pool) {
    try (Stream<Path> walk = Files.walk(pool)) {
      List<Path> dirs = walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
      for (Path d : dirs) {
        CgroupFiles.pids(d.resolve("cgroup.procs")).forEach(pid -> Sys.C.kill(pid, SIGKILL));
        CgroupFiles.rmdir(d);
      }
      log.info("removed stale cgroup pool {} of a service that is gone", pool);
    } catch (IOException | RuntimeException e) {
      log.warn("could not remove stale cgroup pool {}: {}", pool, e.toString());
    }
  }
}
