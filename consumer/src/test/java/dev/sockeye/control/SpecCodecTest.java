package dev.sockeye.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.function.BatchSettings;
import dev.sockeye.function.DeliveryMode;
import dev.sockeye.function.DeliverySettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.Ordering;
import dev.sockeye.function.RetrySettings;
import dev.sockeye.function.StartPosition;
import dev.sockeye.schemas.codec.AvroBytes;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.List;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class SpecCodecTest {
  @Test
  void deliverySettingsSurviveTheSpecRoundTrip() {
    DeliverySettings d = new DeliverySettings("in-.*", "g", StartPosition.LATEST, Ordering.KEY, 7,
        new BatchSettings(5, 10, 1000), new RetrySettings(4, 20, 400, 9000), "dead", DeliveryMode.EXACTLY_ONCE);
    FunctionDefinition def = new FunctionDefinition("f", List.of("in"), null, new FunctionLimits(100, 64, 2), d);
    var pkg = new FunctionPackage(def, new TreeMap<>(), "v1");

    byte[] bytes = AvroBytes.SPEC.encode(SpecCodec.toSpec(pkg, 1L));

    assertEquals(def, SpecCodec.toDefinition(SpecCodec.decodeSpec(bytes)));
  }

  @Test
  void specWrittenBeforeDeliveryFieldsExistedDecodesWithDefaults() throws Exception {
    Schema v1;
    try (InputStream in = SpecCodec.class.getResourceAsStream("FunctionSpec-v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    GenericRecord old = new GenericData.Record(v1);
    old.put("name", "old");
    old.put("version", "v0");
    old.put("topics", List.of("in"));
    old.put("timeout_ms", 1000);
    old.put("memory_mb", 64);
    old.put("concurrency", 2);
    old.put("deployed_at", 5L);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, out);

    FunctionDefinition def = SpecCodec.toDefinition(SpecCodec.decodeSpec(out.toByteArray()));

    assertEquals("old", def.name());
    assertEquals(DeliverySettings.DEFAULT, def.delivery());
    assertEquals("sockeye-old", def.group());
  }
}
