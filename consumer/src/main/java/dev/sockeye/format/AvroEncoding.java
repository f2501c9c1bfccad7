package dev.sockeye.format;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/** How {@code sockeye produce --format avro} frames a record; each is one that the avro input format reads. */
public enum AvroEncoding {
  /** The binary record alone. */
  BINARY("binary"),
  /** Avro single-object encoding: C3 01, the schema's 8-byte CRC-64-AVRO fingerprint (little-endian), the record. */
  SINGLE_OBJECT("single-object"),
  /** Confluent's wire format: a zero byte, the 4-byte registry schema id (big-endian), the record. */
  CONFLUENT("confluent");

  private final String code;

  AvroEncoding(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<AvroEncoding> of(String code) {
    return Arrays.stream(values()).filter(e -> e.code.equals(code)).findFirst();
  }

  /** {@code datum} of {@code schema} in this framing; {@code schemaId} is used by CONFLUENT only. */
  public byte[] encode(Object datum, Schema schema, int schemaId) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    switch (this) {
      case SINGLE_OBJECT -> {
        out.write(0xC3);
        out.write(0x01);
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
            .putLong(SchemaNormalization.parsingFingerprint64(schema)).array());
      }
      case CONFLUENT -> {
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
      }
      case BINARY -> { }
    }
    try {
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<>(schema).write(datum, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("encode Avro " + schema.getFullName(), e);
    }
    return out.toByteArray();
  }
}
