package dev.sockeye.cli;

import dev.sockeye.format.AvroEncoding;
import dev.sockeye.format.JsonToAvro;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import picocli.CommandLine.Option;

/** {@code produce}'s value format: the JSON line as is, or converted to Avro by a schema file. */
final class ProduceFormat {
  /** Turns a line into the record's value; errors name the source and line. */
  interface Encoder {
    byte[] encode(JsonLines.Line line, String source);
  }

  @Option(names = "--format", defaultValue = "json", description = "json or avro (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--schema", paramLabel = "FILE", description = "The Avro schema (.avsc) of --format avro")
  Path schema;

  @Option(names = "--avro-encoding", defaultValue = "binary", description = "binary, single-object or confluent (default: ${DEFAULT-VALUE})")
  String encoding;

  @Option(names = "--schema-id", description = "The registry schema id written by --avro-encoding confluent")
  Integer schemaId;

  Encoder encoder() {
    if (format.equals("json")) {
      if (schema != null) {
        throw new IllegalArgumentException("--schema is only used with --format avro");
      }
      return (line, source) -> line.value();
    }
    if (!format.equals("avro")) {
      throw new IllegalArgumentException("--format must be json or avro (got '" + format + "')");
    }
    AvroEncoding framing = AvroEncoding.of(encoding).orElseThrow(() -> new IllegalArgumentException(
        "--avro-encoding must be binary, single-object or confluent (got '" + encoding + "')"));
    if (framing == AvroEncoding.CONFLUENT && schemaId == null) {
      throw new IllegalArgumentException("--avro-encoding confluent needs --schema-id N (the schema's id in the registry)");
    }
    Schema s = parse();
    int id = schemaId == null ? 0 : schemaId;
    return (line, source) -> {
      try {
        return framing.encode(JsonToAvro.convert(line.json(), s), s, id);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + line.number() + ": not a " + s.getFullName() + ": " + e.getMessage());
      }
    };
  }

  private Schema parse() {
    if (schema == null) {
      throw new IllegalArgumentException("--format avro needs --schema FILE (an Avro schema, .avsc)");
    }
    try {
      return new Schema.Parser().parse(Files.readString(schema));
    } catch (IOException | SchemaParseException e) {
      throw new IllegalArgumentException("--schema " + schema + ": not an Avro schema: " + e.getMessage());
    }
  }
}
