package dev.sockeye.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.Schema;

/**
 * An Avro generic datum as plain JSON, which the runtime turns into a dict: records and maps become
 * objects, arrays lists, enums and strings str, unions their branch's value (untagged), bytes and
 * fixed base64 strings. Stateless.
 */
final class AvroJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AvroJson() {}

  static JsonNode of(Object datum) {
    if (datum == null) {
      return NODES.nullNode();
    }
    if (datum instanceof GenericRecord r) {
      ObjectNode o = NODES.objectNode();
      for (Schema.Field f : r.getSchema().getFields()) {
        o.set(f.name(), of(r.get(f.pos())));
      }
      return o;
    }
    if (datum instanceof Map<?, ?> m) {
      ObjectNode o = NODES.objectNode();
      m.forEach((k, v) -> o.set(k.toString(), of(v)));
      return o;
    }
    if (datum instanceof Collection<?> c) {
      ArrayNode a = NODES.arrayNode();
      c.forEach(v -> a.add(of(v)));
      return a;
    }
    if (datum instanceof ByteBuffer b) {
      ByteBuffer copy = b.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
    }
    if (datum instanceof GenericData.Fixed f) {
      return NODES.textNode(Base64.getEncoder().encodeToString(f.bytes()));
    }
    return scalar(datum);
  }

  private static JsonNode scalar(Object datum) {
    if (datum instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (datum instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (datum instanceof Float f) {
      return NODES.numberNode(f);
    }
    if (datum instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (datum instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (datum instanceof GenericContainer || datum instanceof CharSequence || datum instanceof GenericData.EnumSymbol) {
      return NODES.textNode(datum.toString());
    }
    return NODES.textNode(datum.toString());
  }
}
