package dev.sockeye.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/**
 * Plain JSON (as {@code sockeye produce} reads it) to an Avro generic datum of a schema: the inverse of
 * {@link AvroJson}. Unions are untagged (null, or the first branch the value fits); bytes and fixed are
 * base64 strings; a missing field takes the schema's default. Errors name the field path. Stateless.
 */
public final class JsonToAvro {
  private JsonToAvro() {}

  /** Throws IllegalArgumentException naming the field (e.g. {@code order.items[2].qty}) that does not fit. */
  public static Object convert(JsonNode json, Schema schema) {
    return convert(json, schema, "");
  }

  private static Object convert(JsonNode n, Schema s, String path) {
    switch (s.getType()) {
      case NULL: return require(n.isNull(), null, n, "null", path);
      case BOOLEAN: return require(n.isBoolean(), n.asBoolean(), n, "a boolean", path);
      case INT: return require(n.isIntegralNumber() && n.canConvertToInt(), n.asInt(), n, "an int", path);
      case LONG: return require(n.isIntegralNumber() && n.canConvertToLong(), n.asLong(), n, "a long", path);
      case FLOAT: return require(n.isNumber(), (float) n.asDouble(), n, "a number", path);
      case DOUBLE: return require(n.isNumber(), n.asDouble(), n, "a number", path);
      case STRING: return require(n.isTextual(), n.asText(), n, "a string", path);
      case BYTES: return ByteBuffer.wrap(base64(n, path));
      case FIXED: return new GenericData.Fixed(s, base64(n, path));
      case ENUM:
        require(n.isTextual() && s.hasEnumSymbol(n.asText()), null, n, "one of " + s.getEnumSymbols(), path);
        return new GenericData.EnumSymbol(s, n.asText());
      case ARRAY: return array(n, s, path);
      case MAP: return map(n, s, path);
      case UNION: return union(n, s, path);
      case RECORD: return record(n, s, path);
      default: throw new IllegalArgumentException(where(path) + "unsupported Avro type " + s.getType());
    }
  }

  private static GenericData.Record record(JsonNode n, Schema s, String path) {
    require(n.isObject(), null, n, "an object (record " + s.getName() + ")", path);
    GenericData.Record r = new GenericData.Record(s);
    for (Schema.Field f : s.getFields()) {
      JsonNode v = n.get(f.name());
      String p = path.isEmpty() ? f.name() : path + "." + f.name();
      if (v == null) {
        if (!f.hasDefaultValue()) {
          throw new IllegalArgumentException(where(p) + "is missing and has no default");
        }
        r.put(f.pos(), GenericData.get().deepCopy(f.schema(), GenericData.get().getDefaultValue(f)));
      } else {
        r.put(f.pos(), convert(v, f.schema(), p));
      }
    }
    return r;
  }

  private static List<Object> array(JsonNode n, Schema s, String path) {
    require(n.isArray(), null, n, "an array", path);
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      out.add(convert(n.get(i), s.getElementType(), path + "[" + i + "]"));
    }
    return out;
  }

  private static Map<String, Object> map(JsonNode n, Schema s, String path) {
    require(n.isObject(), null, n, "an object (map)", path);
    Map<String, Object> out = new HashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), convert(e.getValue(), s.getValueType(), path + "." + e.getKey())));
    return out;
  }

  private static Object union(JsonNode n, Schema s, String path) {
    for (Schema branch : s.getTypes()) {
      try {
        return convert(n, branch, path);
      } catch (IllegalArgumentException e) {
        // try the next branch
      }
    }
    throw new IllegalArgumentException(where(path) + "fits no branch of " + s + " (got " + n + ")");
  }

  private static byte[] base64(JsonNode n, String path) {
    require(n.isTextual(), null, n, "a base64 string", path);
    try {
      return Base64.getDecoder().decode(n.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where(path) + "is not base64: " + e.getMessage());
    }
  }

  private static <T> T require(boolean ok, T value, JsonNode n, String expected, String path) {
    if (!ok) {
      throw new IllegalArgumentException(where(path) + "must be " + expected + " (got " + n + ")");
    }
    return value;
  }

  private static String where(String path) {
    return path.isEmpty() ? "the value " : "field '" + path + "' ";
  }
}
