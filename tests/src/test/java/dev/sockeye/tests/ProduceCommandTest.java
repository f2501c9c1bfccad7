package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.TopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockeye produce} through the real Main, read back from the real broker with a plain consumer. */
@ExtendWith(SharedKafka.class)
class ProduceCommandTest {
  private static final Schema SCHEMA = new Schema.Parser().parse(InputFormatTest.SCHEMA);
  @TempDir Path work;

  private int produce(StringWriter err, String topic, String lines, String... extra) throws Exception {
    Path file = work.resolve(topic + ".jsonl");
    Files.writeString(file, lines);
    Path schema = work.resolve("order.avsc");
    Files.writeString(schema, InputFormatTest.SCHEMA);
    List<String> args = new ArrayList<>(List.of("produce", "--topic", topic, "--file", file.toString(),
        "--bootstrap-servers", SharedKafka.bootstrap()));
    for (String e : extra) {
      args.add(e.equals("SCHEMA") ? schema.toString() : e);
    }
    return Main.run(new PrintWriter(err, true), args.toArray(String[]::new));
  }

  private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int n) {
    return TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of(topic), n, Duration.ofSeconds(20), false);
  }

  private static GenericRecord avro(byte[] bytes, int offset) throws Exception {
    return new GenericDatumReader<GenericRecord>(SCHEMA).read(null,
        DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null));
  }

  @Test
  void keyAndHeadersGoOnEveryRecord() throws Exception {
    Cluster.createTopic("produce-headers", 1);
    assertEquals(0, produce(new StringWriter(), "produce-headers", "{\"a\": 1}\n{\"a\": 2}\n",
        "--key", "user-7", "--header", "source=cli", "--header", "eq=x=y"));
    List<ConsumerRecord<byte[], byte[]>> rs = read("produce-headers", 2);
    assertEquals(2, rs.size());
    for (ConsumerRecord<byte[], byte[]> r : rs) {
      assertEquals("user-7", new String(r.key(), StandardCharsets.UTF_8));
      assertEquals("cli", new String(r.headers().lastHeader("source").value(), StandardCharsets.UTF_8));
      assertEquals("x=y", new String(r.headers().lastHeader("eq").value(), StandardCharsets.UTF_8));
    }
    assertEquals("{\"a\": 2}", new String(rs.get(1).value(), StandardCharsets.UTF_8));
  }

  @Test
  void avroLinesAreEncodedInEachFraming() throws Exception {
    Cluster.createTopic("produce-avro", 1);
    String line = "{\"item\": \"pear\", \"qty\": 3, \"note\": \"ripe\"}\n";
    assertEquals(0, produce(new StringWriter(), "produce-avro", line, "--format", "avro", "--schema", "SCHEMA"));
    assertEquals(0, produce(new StringWriter(), "produce-avro", line, "--format", "avro", "--schema", "SCHEMA",
        "--avro-encoding", "single-object"));
    assertEquals(0, produce(new StringWriter(), "produce-avro", line, "--format", "avro", "--schema", "SCHEMA",
        "--avro-encoding", "confluent", "--schema-id", "42"));
    List<ConsumerRecord<byte[], byte[]>> rs = read("produce-avro", 3);
    assertEquals(3, rs.size());
    assertEquals("{\"item\": \"pear\", \"qty\": 3, \"note\": \"ripe\"}", avro(rs.get(0).value(), 0).toString());
    byte[] single = rs.get(1).value();
    assertArrayEquals(new byte[] {(byte) 0xC3, 0x01}, new byte[] {single[0], single[1]});
    assertEquals(SchemaNormalization.parsingFingerprint64(SCHEMA), ByteBuffer.wrap(single, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    assertEquals("pear", avro(single, 10).get("item").toString());
    byte[] confluent = rs.get(2).value();
    assertEquals(0, confluent[0]);
    assertEquals(42, ByteBuffer.wrap(confluent, 1, 4).getInt());
    assertEquals(3, avro(confluent, 5).get("qty"));
  }

  @Test
  void aLineThatDoesNotFitTheSchemaIsNamedAndNothingIsSent() throws Exception {
    Cluster.createTopic("produce-avro-bad", 1);
    StringWriter err = new StringWriter();
    assertEquals(1, produce(err, "produce-avro-bad", "{\"item\": \"pear\", \"qty\": 1}\n{\"item\": \"fig\", \"qty\": \"two\"}\n",
        "--format", "avro", "--schema", "SCHEMA"));
    assertTrue(err.toString().contains("produce-avro-bad.jsonl line 2: not a shop.Order: field 'qty' must be an int (got \"two\")"),
        err.toString());
    assertEquals(java.util.Map.of(0, 0L), Cluster.endOffsets("produce-avro-bad"));
  }
}
