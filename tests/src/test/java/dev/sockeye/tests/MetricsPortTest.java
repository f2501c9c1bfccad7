package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockeye run --metrics-port}: a child JVM serves /metrics on the port asked for, and with 0 listens on nothing. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class MetricsPortTest {
  @TempDir Path dataDir;

  @Test
  void metricsPortZeroServesNothing() throws Exception {
    try (ChildService child = ChildService.start(SharedKafka.bootstrap(), dataDir, "--metrics-port", "0")) {
      awaitRunning(child);
      assertEquals(Set.of(), listeningPorts(child.pid()), "a service with --metrics-port 0 listens on no TCP port");
      child.stop();
    }
  }

  @Test
  void metricsPortServesMetricsHealthAndReadinessAndPrintsTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ChildService child = ChildService.start(SharedKafka.bootstrap(), dataDir, "--metrics-port", Integer.toString(port))) {
      awaitRunning(child);
      assertEquals(Set.of(port), listeningPorts(child.pid()), () -> child.log().toString());
      assertTrue(Files.readString(child.log()).contains("metrics: http://127.0.0.1:" + port + "/metrics"), Files.readString(child.log()));
      assertEquals(200, Scrape.get(port, "/healthz").status());
      await().atMost(Duration.ofSeconds(30)).until(() -> Scrape.get(port, "/readyz").status() == 200);
      assertEquals(1, Scrape.of(port).value("sockeye_build_info"));
      child.stop();
    }
  }

  private static void awaitRunning(ChildService child) {
    await().atMost(Duration.ofSeconds(90)).until(() -> Files.readString(child.log()).contains("sockeye is running"));
  }

  /** TCP ports the process or its descendants (the CLI re-executes itself in a mount namespace) listen on. */
  static Set<Integer> listeningPorts(long pid) throws IOException {
    Set<Integer> ports = new TreeSet<>();
    for (long p : ProcessHandle.of(pid).map(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants())
        .map(ProcessHandle::pid).toList()).orElse(List.of())) {
      ports.addAll(listeningPortsOf(p));
    }
    return ports;
  }

  /** LISTEN sockets of /proc/net/tcp{,6} whose inode is one of the process's descriptors. */
  private static Set<Integer> listeningPortsOf(long pid) throws IOException {
    // Each descriptor by number up to the table's size: listing /proc/<pid>/fd of a busy JVM stops early when
    // a descriptor closes mid-listing.
    Set<String> inodes = new HashSet<>();
    int size = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream().filter(l -> l.startsWith("FDSize:"))
        .map(l -> Integer.parseInt(l.substring(7).trim())).findFirst().orElse(4096);
    for (int fd = 0; fd < size; fd++) {
      try {
        String target = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
        if (target.startsWith("socket:[")) {
          inodes.add(target.substring(8, target.length() - 1));
        }
      } catch (IOException e) {
        // not open
      }
    }
    Set<Integer> ports = new TreeSet<>();
    for (String table : List.of("tcp", "tcp6")) {
      List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) { // 0A: LISTEN
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }
}
