package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.event;
import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.raised;
import static dev.sockeye.zygote.TestEvents.request;
import static dev.sockeye.zygote.TestEvents.returnedJson;
import static dev.sockeye.zygote.TestEvents.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.Raised;
import dev.sockeye.zygote.invoke.Returned;
import dev.sockeye.zygote.invoke.WireEvent;
import dev.sockeye.zygote.invoke.WireHeader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ForkedInstanceInvokeTest extends ManagerFixture {

  @Test
  void lambdaStyleHandlerReturnsJsonOutputAndSeesItsContext() {
    InstanceSpec spec = handler("doubler", """
        def handler(event, context):
            return {"doubled": event["value"]["n"] * 2,
                    "function": context.function_name,
                    "version": context.function_version,
                    "idempotency_key": context.idempotency_key,
                    "has_time_left": context.get_remaining_time_in_millis() > 0}
        """);
    try (Instance instance = manager.fork(spec)) {
      JsonNode out = returnedJson(instance.invoke(request("doubler", json(7, "{\"n\": 21}"))).results().get(0));

      assertEquals(42, out.get("doubled").asInt());
      assertEquals("doubler", out.get("function").asText());
      assertEquals("v1", out.get("version").asText());
      assertEquals("orders-0-7", out.get("idempotency_key").asText());
      assertTrue(out.get("has_time_left").asBoolean());
    }
  }

  @Test
  void zygoteLearnsThePagesItsFirstInstancesCopyAndLaterChildrenStillServeCorrectly() {
    InstanceSpec spec = handler("toucher", """
        import json
        def f(event):
            return sum(len(json.dumps({"k": [i] * 10})) for i in range(2000))
        """);
    Zygote root = manager.root(ZygoteManager.DEFAULT_TENANT);
    try (Instance first = manager.fork(spec)) {
      first.invoke(request("toucher", json(1, "{}")));
      manager.awaitBackgroundWork(); // while the instance runs: its pagemap is read
    }
    assertTrue(root.hotPageCount() > 0, "hot pages learned from the first instance");
    try (Instance later = manager.fork(spec)) {
      var reply = later.invoke(request("toucher", json(2, "{}")));

      assertEquals(122_900, returnedJson(reply.results().get(0)).asInt());
      assertTrue(reply.trace().stream().anyMatch(m -> m.phase().equals("hot_pages_copied")), "trace: " + reply.trace());
    }
  }

  @Test
  void openLambdaStyleFunctionReturnsJsonOutput() {
    InstanceSpec spec = handler("greeter", """
        def f(event):
            return "hello " + event["value"]["name"]
        """);
    try (Instance instance = manager.fork(spec)) {
      JsonNode out = returnedJson(instance.invoke(request("greeter", json(1, "{\"name\": \"sock\"}"))).results().get(0));

      assertEquals("hello sock", out.asText());
    }
  }

  @Test
  void everyEventFieldReachesTheHandler() {
    InstanceSpec spec = handler("echo", """
        def handler(event, context):
            return {"topic": event["topic"], "partition": event["partition"], "offset": event["offset"],
                    "timestamp": event["timestamp"], "key": event["key"], "value": event["value"],
                    "headers": {k: v.decode() for k, v in event["headers"].items()}}
        """);
    WireEvent wire = new WireEvent("payments", 3, 99, 1_234L, utf8("customer-7"), utf8("[1, 2]"),
        List.of(new WireHeader("trace", utf8("first")), new WireHeader("source", utf8("web")),
            new WireHeader("trace", utf8("second"))), "payments-3-99");
    try (Instance instance = manager.fork(spec)) {
      JsonNode out = returnedJson(instance.invoke(request("echo", wire)).results().get(0));

      assertEquals("payments", out.get("topic").asText());
      assertEquals(3, out.get("partition").asInt());
      assertEquals(99, out.get("offset").asLong());
      assertEquals(1_234L, out.get("timestamp").asLong());
      assertEquals("customer-7", out.get("key").asText());
      assertEquals("[1,2]", out.get("value").toString());
      assertEquals("{\"trace\":\"second\",\"source\":\"web\"}", out.get("headers").toString());
    }
  }

  @Test
  void batchOfThreeEventsGetsThreeResultsInOrder() {
    InstanceSpec spec = handler("order", "def f(event):\n    return event[\"offset\"] * 10\n");
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(request("order", json(1, "{}"), json(2, "{}"), json(3, "{}")));

      assertEquals(3, reply.results().size());
      for (int i = 0; i < 3; i++) {
        assertEquals((i + 1) * 10, returnedJson(reply.results().get(i)).asInt());
      }
    }
  }

  @Test
  void handlerExceptionBecomesRaisedWithTypeAndMessageAndTheInstanceKeepsServing() {
    InstanceSpec spec = handler("picky", """
        def f(event):
            if event["value"]["bad"]:
                raise ValueError("bad order 17")
            return "fine"
        """);
    try (Instance instance = manager.fork(spec)) {
      Raised failure = raised(instance.invoke(request("picky", json(1, "{\"bad\": true}"))).results().get(0));
      JsonNode next = returnedJson(instance.invoke(request("picky", json(2, "{\"bad\": false}"))).results().get(0));

      assertEquals("ValueError", failure.errorType());
      assertEquals("bad order 17", failure.errorMessage());
      assertTrue(failure.traceback().contains("raise ValueError"), failure.traceback());
      assertEquals("fine", next.asText());
    }
  }

  @Test
  void nonJsonValueArrivesAsBytesAndBytesResultPassesThroughAsOctetStream() {
    InstanceSpec spec = handler("raw", """
        def f(event):
            assert isinstance(event["value"], bytes), type(event["value"])
            return event["value"][::-1]
        """);
    byte[] value = {(byte) 0xff, 0, 1, 2};
    try (Instance instance = manager.fork(spec)) {
      Returned out = assertInstanceOf(Returned.class, instance.invoke(request("raw", event(1, value))).results().get(0));

      assertEquals(Returned.OCTET_STREAM, out.contentType());
      assertArrayEquals(new byte[] {2, 1, 0, (byte) 0xff}, out.output());
    }
  }

  @Test
  void resultThatIsNotJsonSerialisableBecomesTypeError() {
    InstanceSpec spec = handler("sets", "def f(event):\n    return {1, 2}\n");
    try (Instance instance = manager.fork(spec)) {
      Raised failure = raised(instance.invoke(request("sets", json(1, "{}"))).results().get(0));

      assertEquals("TypeError", failure.errorType());
      assertTrue(failure.errorMessage().contains("not JSON-serialisable"), failure.errorMessage());
    }
  }

  @Test
  void syntaxErrorInHandlerModuleIsRaisedOnEveryEvent() {
    InstanceSpec spec = handler("broken", "def f(event)\n    return 1\n");
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(request("broken", json(1, "{}"), json(2, "{}")));

      assertEquals("SyntaxError", raised(reply.results().get(0)).errorType());
      assertEquals("SyntaxError", raised(reply.results().get(1)).errorType());
    }
  }

  @Test
  void moduleWithoutHandlerOrFReportsHandlerNotFound() {
    InstanceSpec spec = handler("empty", "x = 1\n");
    try (Instance instance = manager.fork(spec)) {
      Raised failure = raised(instance.invoke(request("empty", json(1, "{}"))).results().get(0));

      assertEquals("HandlerNotFound", failure.errorType());
      assertTrue(failure.errorMessage().contains("neither handler(event, context) nor f(event)"));
    }
  }

  @Test
  void warmInstanceServesRepeatedInvokesFromTheSameProcess() {
    InstanceSpec spec = handler("pid", "import os\ndef f(event):\n    return os.getpid()\n");
    try (Instance first = manager.fork(spec); Instance second = manager.fork(spec)) {
      long pidA = returnedJson(first.invoke(request("pid", json(1, "{}"))).results().get(0)).asLong();
      long pidB = returnedJson(first.invoke(request("pid", json(2, "{}"))).results().get(0)).asLong();
      long other = returnedJson(second.invoke(request("pid", json(3, "{}"))).results().get(0)).asLong();

      assertEquals(first.pid(), pidA);
      assertEquals(pidA, pidB);
      assertNotEquals(pidA, other);
      assertNotEquals(first.id(), second.id());
    }
  }

  @Test
  void instanceRunsInItsCodeDirWithItsEnvironmentAndReportsTimings() throws Exception {
    handler("envy", """
        import os
        def f(event):
            return {"cwd": os.getcwd(), "region": os.environ.get("REGION")}
        """);
    InstanceSpec spec = new InstanceSpec("envy", "v2", codeDir, Map.of("REGION", "eu-west"));
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(request("envy", json(1, "{}")));
      JsonNode out = returnedJson(reply.results().get(0));

      assertEquals(codeDir.toRealPath().toString(), out.get("cwd").asText());
      assertEquals("eu-west", out.get("region").asText());
      assertTrue(reply.importMicros() > 0, "import time " + reply.importMicros());
      assertTrue(instance.forkTime().toNanos() > 0, "fork time " + instance.forkTime());
    }
  }
}
