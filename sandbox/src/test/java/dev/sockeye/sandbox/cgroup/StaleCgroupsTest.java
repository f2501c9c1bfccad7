package dev.sockeye.sandbox.cgroup;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The cgroups of a service that died (SIGKILL: no cleanup ran) are removed by any running service's pool, not
 * only by the next one to start: a frozen process left in them (which ignores SIGKILL until thawed) is thawed,
 * killed and awaited first. Real cgroups on this host's layout.
 */
class StaleCgroupsTest {
  @Test
  void aRunningPoolRemovesTheCgroupsOfAServiceThatDiedAfterItStartedAndKillsTheFrozenProcessInThem() throws Exception {
    CgroupLayout layout = CgroupLayout.detect(Path.of("/sys/fs/cgroup"));
    try (CgroupPool pool = new CgroupPool(layout, 1, Duration.ofMillis(100))) {
      Process owner = new ProcessBuilder("sleep", "600").start(); // stands for the other service's JVM
      Process leftover = new ProcessBuilder("sleep", "600").start(); // and for one of its frozen instances
      String stale = "sockeye-" + owner.pid() + "-1";
      try {
        layout.directories(stale).forEach(CgroupFiles::mkdir);
        List<Path> dirs = layout.directories(stale + "/1");
        dirs.forEach(CgroupFiles::mkdir);
        for (Path d : dirs) {
          CgroupFiles.write(d.resolve("cgroup.procs"), Long.toString(leftover.pid()));
        }
        freeze(dirs);
        owner.destroyForcibly().waitFor();

        await().atMost(Duration.ofSeconds(20)).until(() -> layout.directories(stale).stream().noneMatch(Files::exists));
        assertTrue(leftover.waitFor(5, java.util.concurrent.TimeUnit.SECONDS), "the frozen leftover was killed");
        assertFalse(leftover.isAlive());
        assertTrue(layout.directories("").stream().allMatch(Files::isDirectory), "the hierarchies themselves stay");
      } finally {
        owner.destroyForcibly();
        leftover.destroyForcibly();
      }
    }
  }

  private static void freeze(List<Path> dirs) {
    for (Path d : dirs) {
      CgroupFiles.writeIfPresent(d.resolve("freezer.state"), "FROZEN");
      CgroupFiles.writeIfPresent(d.resolve("cgroup.freeze"), "1");
    }
  }
}
