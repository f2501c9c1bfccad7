package dev.sockeye.schemas.codec;

import dev.sockeye.schemas.FunctionCode;
import dev.sockeye.schemas.FunctionSpec;
import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.InvocationResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * Avro single-object encoding (a marker, the schema fingerprint, then the binary record) as a byte
 * array, so a reader can tell which schema wrote a record. One instance per record type; thread-safe.
 *
 * <p>Unlike the generated {@code toByteBuffer}/{@code fromByteBuffer}, this uses the generated
 * classes' custom coders (straight-line code per field instead of the schema-walking writer): every
 * event's result and metric go through here, and the schema walk was 15% of the event loop's samples
 * in the throughput bench.
 */
public final class AvroBytes<T extends SpecificRecordBase> {
  public static final AvroBytes<InvocationResult> RESULT = of(InvocationResult.class, InvocationResult.getClassSchema());
  static {
    // Results written before "traceback" was added (its last field) still decode, with traceback null.
    RESULT.addSchema(withoutField(InvocationResult.getClassSchema(), "traceback"));
  }
  public static final AvroBytes<InvocationMetric> METRIC = of(InvocationMetric.class, InvocationMetric.getClassSchema());
  public static final AvroBytes<FunctionSpec> SPEC = of(FunctionSpec.class, FunctionSpec.getClassSchema());
  public static final AvroBytes<FunctionCode> CODE = of(FunctionCode.class, FunctionCode.getClassSchema());
  public static final AvroBytes<HandlerLog> LOG = of(HandlerLog.class, HandlerLog.getClassSchema());

  private final Schema schema;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroBytes(Schema schema, SpecificData model) {
    this.schema = schema;
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema);
  }

  static <T extends SpecificRecordBase> AvroBytes<T> of(Class<T> type, Schema schema) {
    SpecificData model = new SpecificData(type.getClassLoader());
    model.setCustomCoders(true);
    return new AvroBytes<>(schema, model);
  }

  /**
   * {@code schema} as it was before {@code field} was added: same names, order and types, so its fingerprint is
   * the one an older writer put in front of its records (a fingerprint covers the canonical form only).
   */
  static Schema withoutField(Schema schema, String field) {
    java.util.List<Schema.Field> fields = new java.util.ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      if (!f.name().equals(field)) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }

  public byte[] encode(T record) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream(256);
      encoder.encode(record, out);
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot encode " + schema.getName() + ": " + e.getMessage(), e));
    }
  }

  /** Teaches the decoder an older version of the schema, so records it wrote resolve to this one's fields and defaults. */
  public void addSchema(Schema older) {
    decoder.addSchema(older);
  }

  /** Throws {@link UncheckedIOException} saying what was wrong when the bytes are not such a record. */
  public T decode(byte[] bytes) {
    try {
      return decoder.decode(bytes);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("not a Sockeye " + schema.getName() + " Avro record: " + e.getMessage(), e));
    }
  }
}
