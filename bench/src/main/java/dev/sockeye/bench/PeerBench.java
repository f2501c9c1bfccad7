package dev.sockeye.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The same empty process under runc ({@code runc run} of /bin/true on the base, no network namespace) or Docker
 * ({@code docker run --rm --net=none IMAGE /bin/true}): each run's wall time is its create-to-exit latency.
 * Shelling out is the point here: this is how those tools are used.
 */
final class PeerBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger IDS = new AtomicInteger();

  private PeerBench() {}

  static BenchTable.Row run(String peer, Path base, String image, int concurrency, int count) {
    try {
      List<String> command = switch (peer) {
        case "runc" -> runcCommand(base);
        case "docker" -> dockerCommand(image);
        default -> throw new IllegalArgumentException("unknown peer '" + peer + "' (runc, docker)");
      };
      try {
        return measure(peer, command, concurrency, count);
      } finally {
        if (peer.equals("runc")) {
          SandboxBench.deleteQuietly(Path.of(command.get(command.indexOf("--bundle") + 1))); // its config.json
        }
      }
    } catch (Exception e) {
      return BenchTable.Row.failed(peer, concurrency, e.getMessage());
    }
  }

  private static List<String> runcCommand(Path base) throws Exception {
    require("/usr/sbin/runc", "runc is not installed (apt-get install -y runc)");
    if (base.equals(Path.of("/"))) {
      throw new IllegalStateException("runc needs --base DIR (a debootstrapped base: sockeye base create DIR)");
    }
    Path bundle = Files.createTempDirectory("sockeye-runc-");
    if (new ProcessBuilder("/usr/sbin/runc", "spec").directory(bundle.toFile()).start().waitFor() != 0) {
      throw new IllegalStateException("runc spec failed in " + bundle);
    }
    ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
    ((ObjectNode) config.get("process")).put("terminal", false);
    ((ObjectNode) config.get("process")).set("args", JSON.createArrayNode().add("/bin/true"));
    ((ObjectNode) config.get("root")).put("path", base.toAbsolutePath().toString()).put("readonly", true);
    ArrayNode namespaces = (ArrayNode) config.path("linux").path("namespaces");
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      if ("network".equals(namespaces.get(i).path("type").asText())) {
        namespaces.remove(i); // as measured in PLATFORM-NOTES: runc without a network namespace
      }
    }
    JSON.writeValue(bundle.resolve("config.json").toFile(), config);
    return List.of("/usr/sbin/runc", "run", "--bundle", bundle.toString(), "ID");
  }

  private static List<String> dockerCommand(String image) throws Exception {
    String docker = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "/usr/local/bin/docker";
    require(docker, "docker is not installed (apt-get install -y docker.io)");
    Process info = new ProcessBuilder(docker, "image", "inspect", image).redirectErrorStream(true).start();
    if (!info.waitFor(30, TimeUnit.SECONDS) || info.exitValue() != 0) {
      throw new IllegalStateException("docker daemon unreachable or image '" + image + "' missing (start dockerd;"
          + " tar -C BASE -c . | docker import - " + image + ")");
    }
    return List.of(docker, "run", "--rm", "--net=none", image, "/bin/true");
  }

  private static void require(String path, String message) {
    if (!Files.isExecutable(Path.of(path))) {
      throw new IllegalStateException(message);
    }
  }

  /**
   * The floor under any sandbox on this machine: {@code /bin/true} started from this JVM with no sandbox at all
   * (ProcessBuilder: the JDK's posix_spawn through jspawnhelper, then exec, exit and wait), at the same
   * concurrency as Sockeye's rows, so a reader sees how much of Sockeye's cost is process creation itself.
   */
  static BenchTable.Row floor(int concurrency, int count) {
    try {
      return measure(BenchTable.FLOOR, List.of("/bin/true"), concurrency, count);
    } catch (Exception e) {
      return BenchTable.Row.failed(BenchTable.FLOOR, concurrency, e.getMessage());
    }
  }

  private static BenchTable.Row measure(String peer, List<String> command, int concurrency, int count) throws Exception {
    Histogram latency = new Histogram(3_600_000_000L, 3);
    double perSecond = Cycles.perSecond(concurrency, count, "sockeye-bench-peer", () -> {
      List<String> c = command.stream().map(a -> a.equals("ID") ? "sockeye-bench-" + IDS.incrementAndGet() : a).toList();
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(String.join(" ", c) + " exited " + p.exitValue());
      }
      synchronized (latency) {
        latency.recordValue((System.nanoTime() - t0) / 1000);
      }
    });
    return new BenchTable.Row(peer, concurrency, count, latency, null, perSecond, null);
  }
}
