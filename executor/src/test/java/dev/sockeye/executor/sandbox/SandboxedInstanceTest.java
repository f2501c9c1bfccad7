package dev.sockeye.executor.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ExecutorSettings;
import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.StartKind;
import dev.sockeye.zygote.protocol.WireEvent;
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
    Path dir = Files.createDirectories(code.resolve(name));
    Files.writeString(dir.resolve("f.py"), python);
    executor.deploy(new FunctionDeployment(name, "v1", dir, new FunctionLimits(10_000, 64, 2)));
    WireEvent event = new WireEvent("t", 0, 0, 0, null, "{}".getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");
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
}
