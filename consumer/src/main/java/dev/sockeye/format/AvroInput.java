package dev.sockeye.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Decodes Avro values against the function's schema file, telling the encodings apart by their first bytes:
 * {@code C3 01} + 8-byte fingerprint is Avro single-object encoding (the fingerprint must be the schema
 * file's); {@code 00} + 4-byte schema id is the Confluent wire format when a registry is configured (the
 * registry's schema writes, the file's schema reads, with Avro's schema resolution); anything else is plain
 * binary Avro written with the file's schema. A value must be consumed to its last byte. Thread-safe.
 */
final class AvroInput {
  private static final byte[] SINGLE_OBJECT = {(byte) 0xC3, 0x01};

  private final Schema schema;
  private final long fingerprint;
  private final SchemaRegistry registry; // null when no schema_registry_url
  private final GenericDatumReader<Object> plain;

  AvroInput(Schema schema, SchemaRegistry registry) {
    this.schema = schema;
    this.fingerprint = SchemaNormalization.parsingFingerprint64(schema);
    this.registry = registry;
    this.plain = new GenericDatumReader<>(schema);
  }

  CompletableFuture<JsonNode> decode(byte[] value) {
    try {
      if (value.length >= 10 && value[0] == SINGLE_OBJECT[0] && value[1] == SINGLE_OBJECT[1]) {
        long fp = ByteBuffer.wrap(value, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        if (fp != fingerprint) {
          throw new DecodeException(String.format("Avro single-object fingerprint %016x is not the schema %s's (%016x)",
              fp, schema.getFullName(), fingerprint));
        }
        return CompletableFuture.completedFuture(read(plain, value, 10, "single-object"));
      }
      if (registry != null && value.length >= 5 && value[0] == 0) {
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        return registry.schema(id).thenApply(writer -> read(new GenericDatumReader<>(writer, schema), value, 5,
            "Confluent (schema id " + id + ")"));
      }
      return CompletableFuture.completedFuture(read(plain, value, 0, "binary"));
    } catch (DecodeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private JsonNode read(GenericDatumReader<Object> reader, byte[] value, int offset, String encoding) {
    BinaryDecoder in = DecoderFactory.get().binaryDecoder(value, offset, value.length - offset, null);
    try {
      Object datum = reader.read(null, in);
      if (!in.isEnd()) {
        throw new DecodeException("not " + encoding + " Avro of schema " + schema.getFullName() + ": bytes left over after the record");
      }
      return AvroJson.of(datum);
    } catch (IOException | RuntimeException e) {
      if (e instanceof DecodeException d) {
        throw d;
      }
      throw new DecodeException("not " + encoding + " Avro of schema " + schema.getFullName() + ": " + e);
    }
  }
}
