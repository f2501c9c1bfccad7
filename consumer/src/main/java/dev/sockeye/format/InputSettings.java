package dev.sockeye.format;

import java.net.URI;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * How a function's input is decoded.
 *
 * @param format the value format
 * @param schema the reader schema (from {@code triggers.kafka.schema}); null unless the format is Avro
 * @param registry the Confluent-compatible schema registry (from {@code triggers.kafka.schema_registry_url}); null when none
 */
public record InputSettings(InputFormat format, Schema schema, URI registry) {
  public static final InputSettings AUTO = new InputSettings(InputFormat.AUTO, null, null);

  public InputSettings {
    Objects.requireNonNull(format, "format");
    if ((format == InputFormat.AVRO) != (schema != null)) {
      throw new IllegalArgumentException("schema is required for, and only for, format avro");
    }
  }
}
