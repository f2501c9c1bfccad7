package dev.sockeye.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.format.InputDecoder.Decoded;
import dev.sockeye.executor.Event;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The decoding edges the broker tests do not reach: fingerprints, trailing bytes, tombstones, round trips. */
class InputDecoderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema SCHEMA = new Schema.Parser().parse("""
      {"type": "record", "name": "R", "fields": [{"name": "id", "type": "long"},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "kind", "type": {"type": "enum", "name": "K", "symbols": ["A", "B"]}},
        {"name": "blob", "type": ["null", "bytes"], "default": null}]}
      """);
  private static final InputDecoder AVRO = InputDecoder.of(new InputSettings(InputFormat.AVRO, SCHEMA, null));

  private static Decoded decode(InputDecoder d, byte[] value) throws Exception {
    return d.decodeAll(List.of(new Event("t", 0, 0, 0, null, value, List.of(), "t-0-0"))).get().get(0);
  }

  private static byte[] avro(String json, AvroEncoding encoding) throws Exception {
    return encoding.encode(JsonToAvro.convert(JSON.readTree(json), SCHEMA), SCHEMA, 1);
  }

  @Test
  void avroRoundTripsThroughProducesConversionInBothFramings() throws Exception {
    String json = "{\"id\":7,\"tags\":[\"x\",\"y\"],\"kind\":\"B\",\"blob\":\"AQI=\"}";
    for (AvroEncoding e : List.of(AvroEncoding.BINARY, AvroEncoding.SINGLE_OBJECT)) {
      Decoded d = decode(AVRO, avro(json, e));
      assertEquals(json, new String(((Decoded.Ready) d).event().value(), StandardCharsets.UTF_8), e.code());
    }
  }

  @Test
  void aSingleObjectRecordOfAnotherSchemaIsUndecodableNamingTheFingerprints() throws Exception {
    byte[] bytes = avro("{\"id\":1,\"tags\":[],\"kind\":\"A\"}", AvroEncoding.SINGLE_OBJECT);
    bytes[5] ^= 0x55;
    Decoded d = decode(AVRO, bytes);
    assertTrue(((Decoded.Undecodable) d).reason().startsWith("Avro single-object fingerprint"), d.toString());
  }

  @Test
  void trailingBytesMeanTheValueIsNotOfThisSchema() throws Exception {
    byte[] bytes = avro("{\"id\":1,\"tags\":[],\"kind\":\"A\"}", AvroEncoding.BINARY);
    Decoded d = decode(AVRO, Arrays.copyOf(bytes, bytes.length + 1));
    assertTrue(((Decoded.Undecodable) d).reason().contains("bytes left over"), d.toString());
  }

  @Test
  void aTombstonePassesAsNullInEveryFormatAndBytesAreFlaggedRaw() throws Exception {
    for (InputFormat f : List.of(InputFormat.JSON, InputFormat.TEXT, InputFormat.BYTES)) {
      Decoded d = decode(InputDecoder.of(new InputSettings(f, null, null)), null);
      assertEquals(null, ((Decoded.Ready) d).event().value(), f.code());
    }
    assertEquals(null, ((Decoded.Ready) decode(AVRO, null)).event().value());
    Event raw = ((Decoded.Ready) decode(InputDecoder.of(new InputSettings(InputFormat.BYTES, null, null)), new byte[] {'1'})).event();
    assertTrue(raw.rawValue());
    assertArrayEquals(new byte[] {'1'}, raw.value());
  }

  @Test
  void strictJsonRefusesTrailingTokensAndEmptyValues() throws Exception {
    InputDecoder json = InputDecoder.of(new InputSettings(InputFormat.JSON, null, null));
    assertInstanceOf(Decoded.Undecodable.class, decode(json, "{} {}".getBytes(StandardCharsets.UTF_8)));
    assertInstanceOf(Decoded.Undecodable.class, decode(json, new byte[0]));
    assertInstanceOf(Decoded.Ready.class, decode(json, "[1]".getBytes(StandardCharsets.UTF_8)));
  }
}
