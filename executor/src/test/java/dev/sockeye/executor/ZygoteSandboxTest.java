package dev.sockeye.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A zygote is confined too, not only the instances forked from it: a package's import-time code runs in
 * the zygote, so it must not see the host's private paths, other functions' code or the host network,
 * and it must be accounted to a cgroup of its own. Inspected from outside, through /proc.
 */
class ZygoteSandboxTest {
  @TempDir Path work;
  @TempDir Path code;
  private Executor executor;

  @BeforeEach
  void start() {
    executor = new Executor(ExecutorSettings.sandboxed(work, List.of(work)), Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    executor.close();
  }

  @Test
  void zygoteRunsChrootedInItsOwnCgroupAndNetworkNamespaceWithoutOtherFunctionsCode() throws Exception {
    Path dir = Files.createDirectories(code.resolve("fn"));
    Files.writeString(dir.resolve("f.py"), "def handler(event, context):\n    return 1\n");
    executor.deploy(new FunctionDeployment("fn", "v1", dir, new FunctionLimits(10_000, 64, 2)));
    Event event = new Event("t", 0, 0, 0, null, "{}".getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");
    assertInstanceOf(InvocationOutcome.Succeeded.class, executor.invoke("fn", List.of(event)).get(30, TimeUnit.SECONDS).get(0));

    List<Long> zygotes = executor.zygoteTree().stream().map(ZygoteNode::pid).filter(pid -> pid > 0).toList();
    assertFalse(zygotes.isEmpty(), "a zygote served the invocation");
    for (long pid : zygotes) {
      Path proc = Path.of("/proc/" + pid);
      Path root = Files.readSymbolicLink(proc.resolve("root"));
      assertNotEquals(Path.of("/"), root, "zygote " + pid + " is chrooted");
      assertTrue(Files.isDirectory(proc.resolve("root/usr")), "its root has the base");
      assertFalse(Files.exists(proc.resolve("root/home")) && hasEntries(proc.resolve("root/home")), "/home is hidden from zygote " + pid);
      assertFalse(hasEntries(proc.resolve("root/handler")), "no function's code is in zygote " + pid + "'s root");
      assertFalse(Files.exists(proc.resolve("root").resolve(work.toString().substring(1))) && hasEntries(proc.resolve("root").resolve(work.toString().substring(1))),
          "the service's data directory is hidden from zygote " + pid);
      assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/net")), Files.readSymbolicLink(proc.resolve("ns/net")),
          "zygote " + pid + " has a network namespace of its own");
      String memory = Files.readAllLines(proc.resolve("cgroup")).stream()
          .filter(l -> l.contains(":memory:") || l.startsWith("0::")).findFirst().orElseThrow();
      String self = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
          .filter(l -> l.contains(":memory:") || l.startsWith("0::")).findFirst().orElseThrow();
      assertNotEquals(self, memory, "zygote " + pid + " is in a cgroup of its own");
      assertTrue(memory.contains("sockeye"), memory);
    }
  }

  private static boolean hasEntries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }
}
