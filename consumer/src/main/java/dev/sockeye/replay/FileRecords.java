package dev.sockeye.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * What one line of a JSON-lines file, or one record of an Avro container file, becomes. A line is
 * an event value as it is, unless it is an envelope: a JSON object with {@code value} and nothing
 * but {@code topic, partition, offset, timestamp, key, value, headers} (what {@code sockeye
 * results}-style dumps hold); an Avro record is one when its schema has those fields. Stateless.
 */
final class FileRecords {
  static final Set<String> ENVELOPE = Set.of("topic", "partition", "offset", "timestamp", "key", "value", "headers");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One input as read from the file; null fields are not in the file. */
  record Entry(String topic, Integer partition, Long offset, Long timestamp, byte[] key, byte[] value, Map<String, byte[]> headers) {}

  /** A line that is not what a file line must be: dead-lettered with this reason. */
  static final class Malformed extends Exception {
    Malformed(String message) {
      super(message);
    }
  }

  private FileRecords() {}

  static Entry fromLine(String line) throws Malformed {
    JsonNode n;
    try {
      n = JSON.readTree(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new Malformed("not JSON: " + e.getOriginalMessage());
    }
    if (n == null || n.isMissingNode()) {
      throw new Malformed("not JSON: nothing but whitespace");
    }
    if (!isEnvelope(n)) {
      return new Entry(null, null, null, null, null, line.strip().getBytes(StandardCharsets.UTF_8), Map.of());
    }
    return new Entry(text(n, "topic"), integer(n, "partition"), number(n, "offset"), number(n, "timestamp"),
        bytes(n.get("key")), bytes(n.get("value")), headers(n.get("headers")));
  }

  private static boolean isEnvelope(JsonNode n) {
    if (!n.isObject() || !n.has("value")) {
      return false;
    }
    for (var it = n.fieldNames(); it.hasNext(); ) {
      if (!ENVELOPE.contains(it.next())) {
        return false;
      }
    }
    return true;
  }

  private static String text(JsonNode n, String field) throws Malformed {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new Malformed("field '" + field + "' must be a non-empty string (got " + v + ")");
    }
    return v.asText();
  }

  private static Integer integer(JsonNode n, String field) throws Malformed {
    Long v = number(n, field);
    if (v != null && (v < 0 || v > Integer.MAX_VALUE)) {
      throw new Malformed("field '" + field + "' must be a partition number (got " + v + ")");
    }
    return v == null ? null : v.intValue();
  }

  private static Long number(JsonNode n, String field) throws Malformed {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
      throw new Malformed("field '" + field + "' must be a non-negative integer (got " + v + ")");
    }
    return v.asLong();
  }

  /** A string is the bytes themselves (UTF-8); any other JSON value is written as JSON. */
  private static byte[] bytes(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    return (v.isTextual() ? v.asText() : v.toString()).getBytes(StandardCharsets.UTF_8);
  }

  private static Map<String, byte[]> headers(JsonNode v) throws Malformed {
    if (v == null || v.isNull()) {
      return Map.of();
    }
    if (!v.isObject()) {
      throw new Malformed("field 'headers' must be an object of name to string (got " + v + ")");
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (var it = v.fields(); it.hasNext(); ) {
      var e = it.next();
      out.put(e.getKey(), bytes(e.getValue()));
    }
    return out;
  }

  /** An Avro record: an envelope when its schema says so, otherwise the record as JSON is the value. */
  static Entry fromAvro(GenericRecord r) {
    var schema = r.getSchema();
    boolean envelope = schema.getField("value") != null
        && schema.getFields().stream().allMatch(f -> ENVELOPE.contains(f.name()));
    if (!envelope) {
      return new Entry(null, null, null, null, null, GenericData.get().toString(r).getBytes(StandardCharsets.UTF_8), Map.of());
    }
    Map<String, byte[]> headers = new LinkedHashMap<>();
    if (r.get("headers") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> headers.put(k.toString(), avroBytes(v)));
    }
    Object ts = schema.getField("timestamp") == null ? null : r.get("timestamp");
    Object partition = schema.getField("partition") == null ? null : r.get("partition");
    Object offset = schema.getField("offset") == null ? null : r.get("offset");
    Object topic = schema.getField("topic") == null ? null : r.get("topic");
    return new Entry(topic == null ? null : topic.toString(), partition instanceof Number p ? p.intValue() : null,
        offset instanceof Number o ? o.longValue() : null, ts instanceof Number t ? t.longValue() : null,
        schema.getField("key") == null ? null : avroBytes(r.get("key")), avroBytes(r.get("value")), headers);
  }

  private static byte[] avroBytes(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof java.nio.ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }
    if (v instanceof CharSequence s) {
      return s.toString().getBytes(StandardCharsets.UTF_8);
    }
    return GenericData.get().toString(v).getBytes(StandardCharsets.UTF_8);
  }
}
