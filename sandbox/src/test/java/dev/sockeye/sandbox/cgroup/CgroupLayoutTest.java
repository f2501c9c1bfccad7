package dev.sockeye.sandbox.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layout detection on this machine's real hybrid v1 tree and on fake trees. Pure cgroup v2 cannot be run here
 * (the unified hierarchy has no controllers), so the v2 path is tested against a fake directory tree only.
 */
class CgroupLayoutTest {
  @TempDir Path fake;

  @Test
  void thisHybridHostIsDetectedAsV1WithAllFourControllers() {
    CgroupLayout layout = CgroupLayout.detect(Path.of("/sys/fs/cgroup"));
    CgroupLayout.V1 v1 = assertInstanceOf(CgroupLayout.V1.class, layout);
    assertEquals(Path.of("/sys/fs/cgroup/memory"), v1.hierarchies().get("memory"));
    assertEquals(List.of(Path.of("/sys/fs/cgroup/memory/x"), Path.of("/sys/fs/cgroup/cpu/x"),
        Path.of("/sys/fs/cgroup/pids/x"), Path.of("/sys/fs/cgroup/freezer/x")), layout.directories("x"));
  }

  @Test
  void unifiedTreeListingTheControllersIsV2WithOneDirectoryPerCgroup() throws Exception {
    Files.writeString(fake.resolve("cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    CgroupLayout layout = CgroupLayout.detect(fake);
    assertEquals(new CgroupLayout.V2(fake), layout);
    assertEquals(List.of(fake.resolve("sockeye-1/7")), layout.directories("sockeye-1/7"));
  }

  @Test
  void v2TreeWithoutPidsFailsNamingPids() throws Exception {
    Files.writeString(fake.resolve("cgroup.controllers"), "cpu memory\n");
    var e = assertThrows(MissingControllerException.class, () -> CgroupLayout.detect(fake));
    assertTrue(e.getMessage().contains("[pids]"), e.getMessage());
  }

  @Test
  void v1TreeWithoutFreezerFailsNamingFreezer() throws Exception {
    for (String c : List.of("memory", "cpu", "pids")) {
      Files.createDirectories(fake.resolve(c));
      Files.writeString(fake.resolve(c).resolve("cgroup.procs"), "");
    }
    var e = assertThrows(MissingControllerException.class, () -> CgroupLayout.detect(fake));
    assertTrue(e.getMessage().contains("[freezer]"), e.getMessage());
  }

  @Test
  void v2LimitsAreWrittenToTheUnifiedFilesWithSharesConvertedToWeight() throws Exception {
    Files.writeString(fake.resolve("cgroup.controllers"), "cpu memory pids\n");
    Files.createDirectories(fake.resolve("g"));
    // A fake tree has no kernel behind it: create the files the kernel would.
    for (String f : List.of("cgroup.procs", "memory.max", "memory.events", "pids.max", "cpu.weight")) {
      Files.writeString(fake.resolve("g").resolve(f), "");
    }
    Files.writeString(fake.resolve("g/memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    Cgroup existing = Cgroup.existing(CgroupLayout.detect(fake), "g");
    existing.apply(new CgroupLimits(64, 32, 2048));
    assertEquals("67108864", Files.readString(fake.resolve("g/memory.max")));
    assertEquals("32", Files.readString(fake.resolve("g/pids.max")));
    assertEquals("79", Files.readString(fake.resolve("g/cpu.weight")));
    Files.writeString(fake.resolve("g/memory.events"), "oom 2\noom_kill 2\n");
    assertTrue(existing.outOfMemory(), "a rising oom_kill count is an OOM");
  }
}
