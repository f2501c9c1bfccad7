package dev.sockeye.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.codec.AvroBytes;
import java.io.ByteArrayOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Results written before the traceback field existed still decode (a result topic outlives a deploy). */
class OlderResultsTest {
  /** InvocationResult.avsc as it was before "traceback", with its named types inlined. */
  private static final String BEFORE_TRACEBACK = """
      {"type": "record", "namespace": "dev.sockeye.schemas", "name": "InvocationResult", "fields": [
        {"name": "function", "type": "string"},
        {"name": "function_version", "type": "string"},
        {"name": "topic", "type": "string"},
        {"name": "partition", "type": "int"},
        {"name": "offset", "type": "long"},
        {"name": "timestamp", "type": "long"},
        {"name": "key", "type": ["null", "bytes"], "default": null},
        {"name": "idempotency_key", "type": "string"},
        {"name": "status", "type": STATUS},
        {"name": "output", "type": ["null", "bytes"], "default": null},
        {"name": "content_type", "type": ["null", "string"], "default": null},
        {"name": "error_type", "type": ["null", "string"], "default": null},
        {"name": "error_message", "type": ["null", "string"], "default": null},
        {"name": "start_kind", "type": START_KIND},
        {"name": "attempt", "type": "int", "default": 1},
        {"name": "timings", "type": TIMINGS}
      ]}""";

  @Test
  void aResultWrittenBeforeTracebacksDecodesWithoutOne() throws Exception {
    Schema current = InvocationResult.getClassSchema();
    Schema old = new Schema.Parser().parse(BEFORE_TRACEBACK
        .replace("STATUS", current.getField("status").schema().toString())
        .replace("START_KIND", current.getField("start_kind").schema().toString())
        .replace("TIMINGS", current.getField("timings").schema().toString()));
    GenericRecord timings = new GenericData.Record(current.getField("timings").schema());
    for (Schema.Field f : timings.getSchema().getFields()) {
      timings.put(f.name(), 7L);
    }
    GenericRecord r = new GenericData.Record(old);
    r.put("function", "f");
    r.put("function_version", "v1");
    r.put("topic", "t");
    r.put("partition", 0);
    r.put("offset", 3L);
    r.put("timestamp", 1L);
    r.put("idempotency_key", "t-0-3");
    r.put("status", new GenericData.EnumSymbol(old.getField("status").schema(), "ERROR"));
    r.put("error_type", "ValueError");
    r.put("error_message", "bad");
    r.put("start_kind", new GenericData.EnumSymbol(old.getField("start_kind").schema(), "WARM"));
    r.put("attempt", 1);
    r.put("timings", timings);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), old).encode(r, out);

    InvocationResult decoded = AvroBytes.RESULT.decode(out.toByteArray());

    assertEquals("ValueError", decoded.getErrorType());
    assertEquals("t-0-3", decoded.getIdempotencyKey());
    assertNull(decoded.getTraceback());
  }
}
