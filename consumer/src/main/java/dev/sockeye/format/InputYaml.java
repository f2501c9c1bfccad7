package dev.sockeye.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sockeye.function.InvalidFunctionException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Reads the input fields of {@code triggers.kafka} ({@code format}, {@code schema},
 * {@code schema_registry_url}) from a function directory. They travel with the code (function.yaml and
 * the schema file are part of the versioned code), so the service reads them from the deployed copy.
 * Every error names the field as {@code triggers.kafka.<field>}.
 */
public final class InputYaml {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String PREFIX = "triggers.kafka.";

  private InputYaml() {}

  /** The input settings of the function in {@code dir}; the rest of function.yaml is validated elsewhere. */
  public static InputSettings read(Path dir) {
    Path file = dir.resolve("function.yaml");
    if (!Files.isRegularFile(file)) {
      return InputSettings.AUTO; // a deployment whose code carries no function.yaml (older or hand-built): as before formats
    }
    JsonNode kafka;
    try {
      kafka = YAML.readTree(Files.readString(file)).path("triggers").path("kafka");
    } catch (IOException e) {
      throw new InvalidFunctionException(file, null, "cannot be read: " + e.getMessage());
    }
    String format = text(file, kafka, "format");
    String schema = text(file, kafka, "schema");
    String registry = text(file, kafka, "schema_registry_url");
    if (format == null) {
      if (schema != null || registry != null) {
        throw new InvalidFunctionException(file, PREFIX + (schema != null ? "schema" : "schema_registry_url"),
            "is only used with triggers.kafka.format: avro");
      }
      return InputSettings.AUTO;
    }
    InputFormat f = InputFormat.of(format).orElseThrow(() -> new InvalidFunctionException(file, PREFIX + "format",
        "must be json, avro, bytes or text (got '" + format + "')"));
    if (f != InputFormat.AVRO) {
      if (schema != null || registry != null) {
        throw new InvalidFunctionException(file, PREFIX + (schema != null ? "schema" : "schema_registry_url"),
            "is only used with triggers.kafka.format: avro (format is " + format + ")");
      }
      return new InputSettings(f, null, null);
    }
    if (schema == null) {
      throw new InvalidFunctionException(file, PREFIX + "schema",
          "is required with format avro: an Avro schema file (.avsc) in the function directory");
    }
    return new InputSettings(f, schema(file, dir, schema), registry == null ? null : uri(file, registry));
  }

  private static Schema schema(Path file, Path dir, String name) {
    Path path = dir.resolve(name).normalize();
    if (!path.startsWith(dir.normalize()) || !Files.isRegularFile(path)) {
      throw new InvalidFunctionException(file, PREFIX + "schema", "names no file in the function directory (got '" + name + "')");
    }
    try {
      return new Schema.Parser().parse(Files.readString(path));
    } catch (IOException | SchemaParseException e) {
      throw new InvalidFunctionException(file, PREFIX + "schema", path.getFileName() + " is not an Avro schema: " + e.getMessage());
    }
  }

  private static URI uri(Path file, String url) {
    try {
      URI u = new URI(url);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    throw new InvalidFunctionException(file, PREFIX + "schema_registry_url", "must be an http(s) URL (got '" + url + "')");
  }

  private static String text(Path file, JsonNode kafka, String field) {
    JsonNode v = kafka.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new InvalidFunctionException(file, PREFIX + field, "must be a non-empty string (got " + v + ")");
    }
    return v.asText();
  }
}
