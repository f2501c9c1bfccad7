package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.raised;
import static dev.sockeye.zygote.TestEvents.request;
import static dev.sockeye.zygote.TestEvents.returnedJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FreshInstanceTest extends ManagerFixture {

  @Test
  void freshInterpreterServesTheSameProtocolAsAForkedInstance() {
    handler("fresh", """
        import os
        def handler(event, context):
            return {"pid": os.getpid(), "ppid": os.getppid(), "mode": os.environ["MODE"],
                    "n": event["value"]["n"] + 1}
        """);
    InstanceSpec spec = new InstanceSpec("fresh", "v1", codeDir, Map.of("MODE", "benchmark"));
    try (Instance instance = manager.spawnFresh(spec)) {
      JsonNode out = returnedJson(instance.invoke(request("fresh", json(1, "{\"n\": 1}"))).results().get(0));

      assertEquals(instance.pid(), out.get("pid").asLong());
      assertEquals(ProcessHandle.current().pid(), out.get("ppid").asLong(), "a fresh instance is the JVM's child");
      assertEquals("benchmark", out.get("mode").asText());
      assertEquals(2, out.get("n").asInt());
      assertTrue(instance.forkTime().toNanos() > 0);
    }
  }

  @Test
  void freshInstanceReportsHandlerExceptions() {
    InstanceSpec spec = handler("fresh_fail", "def f(event):\n    raise KeyError('missing')\n");
    try (Instance instance = manager.spawnFresh(spec)) {
      assertEquals("KeyError", raised(instance.invoke(request("fresh_fail", json(1, "{}"))).results().get(0)).errorType());
    }
  }
}
