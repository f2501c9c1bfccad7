package dev.sockeye.zygote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sockeye.zygote.invoke.EventReply;
import dev.sockeye.zygote.protocol.Frames;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Raised;
import dev.sockeye.zygote.invoke.Returned;
import dev.sockeye.zygote.invoke.WireEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builders for requests and readers for replies used across the tests. */
final class TestEvents {
  private TestEvents() {}

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static WireEvent event(long offset, byte[] value) {
    return new WireEvent("orders", 0, offset, 1_700_000_000_000L + offset, null, value, List.of(),
        "orders-0-" + offset);
  }

  static WireEvent json(long offset, String json) {
    return event(offset, utf8(json));
  }

  static InvokeRequest request(String function, WireEvent... events) {
    return new InvokeRequest(function, List.of(events), System.currentTimeMillis() + 60_000);
  }

  /** The JSON a handler returned; fails the test if it raised or returned bytes. */
  static JsonNode returnedJson(EventReply reply) {
    Returned returned = assertInstanceOf(Returned.class, reply, () -> "expected Returned but got " + reply);
    assertEquals(Returned.JSON, returned.contentType());
    try {
      return Frames.JSON.readTree(returned.output());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Raised raised(EventReply reply) {
    return assertInstanceOf(Raised.class, reply, () -> "expected Raised but got " + reply);
  }
}
