package dev.sockeye.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.sandbox.Network;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sandboxed executor on real mounts, cgroups, namespaces and Python: what a handler sees from inside. */
class SandboxedInstanceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  private JsonNode run(String name, String python) throws Exception {
    return run(name, python, new FunctionLimits(10_000, 64, 2));
  }

  private JsonNode run(String name, String python, FunctionLimits limits) throws Exception {
    Path dir = Files.createDirectories(code.resolve(name));
    Files.writeString(dir.resolve("f.py"), python);
    executor.deploy(new FunctionDeployment(name, "v1", dir, limits));
    Event event = new Event("t", 0, 0, 0, null, "{}".getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");
    InvocationOutcome outcome = executor.invoke(name, List.of(event)).get(30, TimeUnit.SECONDS).get(0);
    Succeeded ok = assertInstanceOf(Succeeded.class, outcome, outcome.toString());
    assertEquals(StartKind.ZYGOTE, ok.startKind());
    assertTrue(ok.timings().sandboxUs() > 0, "sandbox setup time is reported");
    return JSON.readTree(ok.output());
  }

  @Test
  void handlerRunsUnprivilegedAsPidOneInItsOwnRootWithoutNetwork() throws Exception {
    JsonNode seen = run("inside", String.join("\n",
        "import os, socket",
        "def handler(event, context):",
        "    return {'uid': os.getuid(), 'pid': os.getpid(), 'root': sorted(os.listdir('/')),",
        "            'handler': sorted(os.listdir('/handler')), 'hostname': socket.gethostname(),",
        "            'ifaces': [n for _, n in socket.if_nameindex()], 'cwd': os.getcwd()}",
        ""));
    assertTrue(seen.get("uid").asInt() >= 200_000, seen.toString());
    assertEquals(1, seen.get("pid").asInt(), seen.toString());
    assertEquals("sandbox", seen.get("hostname").asText());
    assertEquals("[\"lo\"]", seen.get("ifaces").toString());
    assertEquals("[\"f.py\"]", seen.get("handler").toString());
    assertTrue(seen.get("root").toString().contains("\"usr\""), seen.toString());
    assertTrue(!seen.get("root").toString().contains("\"home\""), seen.toString());
  }

  @Test
  void handlerSeesTheSandboxEnvironmentAndNoneOfTheServicesVariables() throws Exception {
    // The zygote settles its environment once after its imports; no spare clears it any more.
    JsonNode seen = run("environ", String.join("\n",
        "import os",
        "def handler(event, context):",
        "    return {'keys': sorted(os.environ), 'home': os.environ.get('HOME')}",
        ""));
    assertEquals("[\"HOME\",\"LANG\",\"PATH\",\"TMPDIR\",\"USER\"]", seen.get("keys").toString(), seen.toString());
    assertEquals("/tmp", seen.get("home").asText());
  }

  @Test
  void procListsOnlyTheSandboxesOwnProcesses() throws Exception {
    JsonNode seen = run("proc", String.join("\n",
        "import os, subprocess",
        "def handler(event, context):",
        "    child = subprocess.Popen(['/usr/bin/sleep', '30'])",
        "    try:",
        "        return {'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),",
        "                'child': child.pid, 'comm': open('/proc/1/comm').read().strip()}",
        "    finally:",
        "        child.kill()",
        ""));
    assertEquals("[1," + seen.get("child").asInt() + "]", seen.get("pids").toString(), seen.toString());
    assertTrue(seen.get("comm").asText().startsWith("python"), seen.toString());
  }

  @Test
  void networkHostSharesTheServicesNetwork() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      // accepts in the background: the handler's connect completes from the backlog, and its read sees the byte
      Thread acceptor = new Thread(() -> {
        try (java.net.Socket s = server.accept()) {
          s.getOutputStream().write('h');
        } catch (java.io.IOException ignored) {
          // the assertion on the handler's output reports the failure
        }
      }, "test-acceptor");
      acceptor.start();
      JsonNode seen = run("hostnet", String.join("\n",
          "import socket",
          "def handler(event, context):",
          "    with socket.create_connection(('127.0.0.1', " + server.getLocalPort() + "), timeout=5) as s:",
          "        return {'read': s.recv(1).decode(), 'ifaces': [n for _, n in socket.if_nameindex()]}",
          ""), new FunctionLimits(10_000, 64, 2, FunctionLimits.DEFAULT_PIDS, FunctionLimits.DEFAULT_CPU_SHARES,
          FunctionLimits.DEFAULT_SCRATCH_MB, Network.HOST));
      acceptor.join(10_000);
      assertEquals("h", seen.get("read").asText(), seen.toString());
    }
  }
}
