package dev.sockeye.zygote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.sandbox.Network;
import dev.sockeye.sandbox.Sandbox;
import dev.sockeye.sandbox.SandboxSettings;
import dev.sockeye.sandbox.SandboxSpec;
import dev.sockeye.sandbox.Sandboxes;
import dev.sockeye.sandbox.cgroup.CgroupLimits;
import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 10,000 real create/destroy cycles (mounts, pooled cgroups, network namespaces, descriptors), every tenth with
 * an instance forked into the sandbox from a sandboxed zygote, on 4 threads. Before and after, the counts of
 * mounts, Sockeye cgroups, our child processes, sandbox root directories and open descriptors are equal.
 */
class SandboxLeakTest {
  private static final int CYCLES = 10_000;
  private static final int FORK_EVERY = 10;
  @TempDir Path work;

  record Counts(int mounts, long cgroups, long processes, long roots, long fds) {}

  @Test
  void tenThousandCreateDestroyCyclesLeaveNoMountsCgroupsProcessesScratchOrDescriptors() throws Exception {
    Path code = Files.createDirectories(work.resolve("code"));
    Files.writeString(code.resolve("f.py"), "def f(e):\n    return 1\n");
    Counts before = counts(work.resolve("sb/r"));
    AtomicInteger left = new AtomicInteger(CYCLES);
    ExecutorService threads = Executors.newFixedThreadPool(4, r -> new Thread(r, "sockeye-leak-test"));
    Counts during;
    try (Sandboxes sandboxes = Sandboxes.start(SandboxSettings.defaults(work.resolve("sb"), List.of(work)),
            Path.of("/usr/bin/python3"), Clock.systemUTC());
        ZygoteManager zygotes = new ZygoteManager(ZygoteSettings.defaults(work), Clock.systemUTC(), sandboxes)) {
      List<Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(threads.submit(() -> {
          for (int n; (n = left.decrementAndGet()) >= 0; ) {
            cycle(sandboxes, zygotes, code, n % FORK_EVERY == 0);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
      during = counts(sandboxes.rootsDir());
    } finally {
      threads.shutdownNow();
    }
    assertEquals(1, during.roots(), "only the zygote's own root is left once every instance sandbox is closed");
    // Killed processes are reaped asynchronously: wait (bounded) for them before comparing.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .ignoreExceptionsMatching(e -> e instanceof IOException || e instanceof java.io.UncheckedIOException)
        .untilAsserted(() -> assertEquals(before,
        counts(work.resolve("sb/r")), "mounts, cgroups, processes, roots and descriptors before and after " + CYCLES));
  }

  private static void cycle(Sandboxes sandboxes, ZygoteManager zygotes, Path code, boolean fork) {
    Sandbox box = sandboxes.create(new SandboxSpec(code, new CgroupLimits(64, 16, 1024), 4, Network.NONE));
    if (!fork) {
      box.close();
      return;
    }
    try (Instance instance = zygotes.fork(new InstanceSpec("leak", "v1", code, Map.of(), box))) {
      assertTrue(instance.isAlive());
    }
  }

  private static Counts counts(Path roots) throws IOException {
    int mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).size();
    long cgroups;
    try (Stream<Path> s = Files.walk(Path.of("/sys/fs/cgroup/pids"), 2)) {
      // Only this JVM's (sockeye-<pid>-<n>): other services and test runs on the machine have their own.
      cgroups = s.filter(p -> p.toString().contains("/sockeye-" + ProcessHandle.current().pid() + "-")).count();
    }
    long processes = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    long rootDirs = 0;
    if (Files.isDirectory(roots)) {
      try (Stream<Path> s = Files.list(roots)) {
        rootDirs = s.count();
      }
    }
    long fds;
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      fds = s.count();
    }
    return new Counts(mounts, cgroups, processes, rootDirs, fds);
  }
}
