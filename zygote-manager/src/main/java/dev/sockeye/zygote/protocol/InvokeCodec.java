package dev.sockeye.zygote.protocol;

import dev.sockeye.zygote.invoke.EventReply;
import dev.sockeye.zygote.invoke.InvokeReply;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Raised;
import dev.sockeye.zygote.invoke.Returned;
import dev.sockeye.zygote.invoke.TraceMark;
import dev.sockeye.zygote.invoke.WireEvent;
import dev.sockeye.zygote.invoke.WireHeader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Maps {@link InvokeRequest} to an instance-socket frame and the reply frame back to {@link InvokeReply}. Stateless. */
public final class InvokeCodec {
  private InvokeCodec() {}

  public static Frame encode(InvokeRequest request) {
    List<byte[]> blobs = new ArrayList<>();
    ObjectNode header = Frames.JSON.createObjectNode();
    header.put("op", "invoke").put("mode", request.mode().code()).put("deadline_ms", request.deadlineEpochMs());
    header.put("function", request.function());
    ArrayNode events = header.putArray("events");
    for (WireEvent event : request.events()) {
      events.add(encodeEvent(event, blobs));
    }
    return new Frame(header, blobs);
  }

  private static ObjectNode encodeEvent(WireEvent event, List<byte[]> blobs) {
    ObjectNode node = Frames.JSON.createObjectNode();
    node.put("topic", event.topic()).put("partition", event.partition()).put("offset", event.offset());
    node.put("timestamp", event.timestamp());
    putBlob(node, "key", event.key(), blobs);
    putBlob(node, "value", event.value(), blobs);
    if (event.rawValue()) {
      node.put("value_format", "bytes"); // absent: JSON when it parses, else bytes
    }
    ArrayNode headers = node.putArray("headers");
    for (WireHeader h : event.headers()) {
      ArrayNode pair = headers.addArray().add(h.name());
      if (h.value() == null) {
        pair.addNull();
      } else {
        blobs.add(h.value());
        pair.add(blobs.size() - 1);
      }
    }
    node.put("idempotency_key", event.idempotencyKey());
    return node;
  }

  private static void putBlob(ObjectNode node, String field, byte[] bytes, List<byte[]> blobs) {
    if (bytes == null) {
      node.putNull(field);
      return;
    }
    blobs.add(bytes);
    node.put(field, blobs.size() - 1);
  }

  /** Decodes a reply; {@code request} is only used to check the result count and to name it in errors. */
  public static InvokeReply decode(Frame frame, InvokeRequest request) {
    ObjectNode header = frame.header();
    if (header.hasNonNull("error")) {
      throw new WireFormatException("invoke " + request.function() + ": instance rejected the request: "
          + header.get("error").asText());
    }
    JsonNode results = header.get("results");
    if (results == null || !results.isArray() || results.size() != request.events().size()) {
      throw new WireFormatException("invoke " + request.function() + ": expected " + request.events().size()
          + " results but the reply header is " + header);
    }
    List<EventReply> replies = new ArrayList<>(results.size());
    for (JsonNode result : results) {
      replies.add(decodeResult(frame, result));
    }
    List<TraceMark> trace = new ArrayList<>();
    for (JsonNode m : header.path("trace")) {
      trace.add(new TraceMark(m.path(0).asText(), m.path(1).asLong(), m.path(2).asLong()));
    }
    List<String> imported = new ArrayList<>();
    header.path("imported").forEach(m -> imported.add(m.asText()));
    return new InvokeReply(header.path("import_us").asLong(), replies, trace, imported);
  }

  private static EventReply decodeResult(Frame frame, JsonNode result) {
    long micros = result.path("handler_us").asLong();
    String status = result.path("status").asText();
    if (status.equals("ok")) {
      byte[] output = frame.blobAt(result, "output");
      if (output == null) {
        throw new WireFormatException("decode invoke result: ok result has no output blob: " + result);
      }
      return new Returned(output, result.path("content_type").asText(Returned.JSON), micros);
    }
    if (status.equals("error")) {
      return new Raised(result.path("error_type").asText("Error"), result.path("error_message").asText(""),
          result.path("traceback").asText(""), micros);
    }
    throw new WireFormatException("decode invoke result: unknown status '" + status + "' in " + result);
  }
}
