package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.raised;
import static dev.sockeye.zygote.TestEvents.returnedJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockeye.zygote.invoke.InvokeMode;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.InvokeRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchInvokeTest extends ManagerFixture {
  private static InvokeRequest batch(String function, int n) {
    return new InvokeRequest(function, java.util.stream.IntStream.range(0, n).mapToObj(i -> json(i, "{\"n\": " + i + "}")).toList(),
        System.currentTimeMillis() + 60_000, InvokeMode.BATCH);
  }

  @Test
  void batchHandlerGetsTheListOnceAndItsListOfOutputsMapsPerEvent() {
    InstanceSpec spec = handler("summer", """
        calls = []
        def f(events):
            calls.append(len(events))
            return [{"n": e["value"]["n"], "calls": len(calls), "size": len(events)} for e in events]
        """);
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(batch("summer", 3));

      for (int i = 0; i < 3; i++) {
        assertEquals(i, returnedJson(reply.results().get(i)).get("n").asInt());
        assertEquals(1, returnedJson(reply.results().get(i)).get("calls").asInt());
        assertEquals(3, returnedJson(reply.results().get(i)).get("size").asInt());
      }
    }
  }

  @Test
  void batchItemFailuresFailOnlyTheNamedEvents() {
    InstanceSpec spec = handler("partial", """
        def handler(events, context):
            return {"batchItemFailures": [{"itemIdentifier": "orders-0-1"}],
                    "results": [e["value"]["n"] * 10 for e in events]}
        """);
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(batch("partial", 3));

      assertEquals(0, returnedJson(reply.results().get(0)).asInt());
      assertEquals("BatchItemFailure", raised(reply.results().get(1)).errorType());
      assertEquals(20, returnedJson(reply.results().get(2)).asInt());
    }
  }

  @Test
  void batchHandlerThatRaisesFailsEveryEvent() {
    InstanceSpec spec = handler("boom", """
        def f(events):
            raise KeyError("nope")
        """);
    try (Instance instance = manager.fork(spec)) {
      InvokeReply reply = instance.invoke(batch("boom", 2));

      assertEquals(List.of("KeyError", "KeyError"), reply.results().stream().map(r -> raised(r).errorType()).toList());
    }
  }
}
