package dev.sockeye.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads JSON lines into records; a bad line is an error naming the source and line, and nothing is sent. */
final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One record to send: the key may be null; {@code number} is its line in the source. */
  record Line(byte[] key, byte[] value, int number, JsonNode json) {}

  private JsonLines() {}

  static List<Line> read(BufferedReader in, String source, String keyField) throws IOException {
    List<Line> lines = new ArrayList<>();
    String text;
    int n = 0;
    while ((text = in.readLine()) != null) {
      n++;
      if (text.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(source + " line " + n + ": not JSON: " + e.getOriginalMessage());
      }
      lines.add(new Line(key(node, keyField, source, n), text.strip().getBytes(StandardCharsets.UTF_8), n, node));
    }
    return lines;
  }

  private static byte[] key(JsonNode node, String keyField, String source, int n) {
    if (keyField == null) {
      return null;
    }
    JsonNode k = node.get(keyField);
    if (k == null || k.isNull()) {
      throw new IllegalArgumentException(source + " line " + n + ": has no key field '" + keyField + "'");
    }
    return (k.isTextual() ? k.asText() : k.toString()).getBytes(StandardCharsets.UTF_8);
  }
}
