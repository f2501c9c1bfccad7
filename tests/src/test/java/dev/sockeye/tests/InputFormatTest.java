package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.cli.Main;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * triggers.kafka.format on the real broker and real Python: Avro (binary, single-object and the Confluent
 * wire format against a schema registry served by a small Vert.x HTTP server, the faked edge), text, bytes
 * and strict JSON, records produced by the real {@code sockeye produce}; undecodable records are dead-lettered
 * with the reason.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class InputFormatTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  static final String SCHEMA = """
      {"type": "record", "name": "Order", "namespace": "shop",
       "fields": [{"name": "item", "type": "string"}, {"name": "qty", "type": "int"},
                  {"name": "note", "type": ["null", "string"], "default": null}]}
      """;
  private static final String SHOW = "def f(event):\n    v = event['value']\n"
      + "    return {'type': type(v).__name__, 'value': v if not isinstance(v, bytes) else v.decode('latin-1'),"
      + " 'key': event['key'], 'headers': {k: h.decode() for k, h in event['headers'].items()}}\n";
  @TempDir static Path dataDir;
  @TempDir static Path work;
  private static SockeyeService service;
  private static Vertx vertx;
  private static HttpServer registry;
  private static final AtomicInteger registryHits = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON), Clock.systemUTC());
    vertx = Vertx.vertx();
    registry = vertx.createHttpServer().requestHandler(req -> {
      registryHits.incrementAndGet();
      if (req.path().equals("/schemas/ids/7")) {
        req.response().putHeader("content-type", "application/vnd.schemaregistry.v1+json")
            .end(new JsonObject().put("schema", SCHEMA).encode());
      } else {
        req.response().setStatusCode(404).end("{\"error_code\":40403,\"message\":\"Schema not found\"}");
      }
    }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  @AfterAll
  static void stop() throws Exception {
    service.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private static Path deploy(String name, String topic, String inputYaml) throws Exception {
    Cluster.createTopic(topic, 1);
    Path dir = TestFunctions.write(work, name, topic, inputYaml + "    max_attempts: 2\n    backoff_initial_ms: 10\n", SHOW);
    Files.writeString(dir.resolve("order.avsc"), SCHEMA);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    return dir;
  }

  private static void produce(String topic, String lines, String... extra) throws Exception {
    Path file = Files.createTempFile(work, "events", ".jsonl");
    Files.writeString(file, lines);
    List<String> args = new java.util.ArrayList<>(List.of("produce", "--topic", topic, "--file", file.toString(),
        "--bootstrap-servers", SharedKafka.bootstrap()));
    args.addAll(List.of(extra));
    assertEquals(0, Main.run(args.toArray(String[]::new)));
  }

  private static List<InvocationResult> results(String topic, int n) {
    List<InvocationResult> rs = new java.util.ArrayList<>(Cluster.results(topic + ".results", n));
    rs.sort(Comparator.comparingLong(InvocationResult::getOffset));
    assertEquals(n, rs.size(), "results of " + topic);
    return rs;
  }

  private static ConsumerRecord<byte[], byte[]> deadLetter(String topic) {
    var dead = TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of(topic + ".dlq"), 1, Duration.ofSeconds(30), false);
    assertEquals(1, dead.size(), "dead letters of " + topic);
    return dead.get(0);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void avroInEveryEncodingReachesTheHandlerAsADictAndAnUndecodableRecordIsDeadLetteredWithTheReason() throws Exception {
    String url = "http://127.0.0.1:" + registry.actualPort();
    deploy("avro-in", "avro-in", "    format: avro\n    schema: order.avsc\n    schema_registry_url: " + url + "\n");
    Path schema = work.resolve("avro-in/order.avsc");
    produce("avro-in", "{\"item\": \"pear\", \"qty\": 1}\n", "--format", "avro", "--schema", schema.toString(),
        "--key", "k1", "--header", "source=test", "--header", "trace=a=b");
    produce("avro-in", "{\"item\": \"fig\", \"qty\": 2, \"note\": \"ripe\"}\n", "--format", "avro", "--schema", schema.toString(),
        "--avro-encoding", "single-object");
    produce("avro-in", "{\"item\": \"kiwi\", \"qty\": 3}\n", "--format", "avro", "--schema", schema.toString(),
        "--avro-encoding", "confluent", "--schema-id", "7");
    produce("avro-in", "{\"item\": \"plum\", \"qty\": 4}\n", "--format", "avro", "--schema", schema.toString(),
        "--avro-encoding", "confluent", "--schema-id", "8"); // unknown to the registry
    Cluster.send("avro-in", 0, List.of("not avro at all".getBytes(StandardCharsets.UTF_8)));

    List<InvocationResult> rs = results("avro-in", 5);
    assertEquals("{\"type\": \"dict\", \"value\": {\"item\": \"pear\", \"qty\": 1, \"note\": null}, \"key\": \"k1\","
        + " \"headers\": {\"source\": \"test\", \"trace\": \"a=b\"}}", Cluster.output(rs.get(0)));
    assertTrue(Cluster.output(rs.get(1)).contains("{\"item\": \"fig\", \"qty\": 2, \"note\": \"ripe\"}"), Cluster.output(rs.get(1)));
    assertTrue(Cluster.output(rs.get(2)).contains("{\"item\": \"kiwi\", \"qty\": 3, \"note\": null}"), Cluster.output(rs.get(2)));
    assertEquals(Status.ERROR, rs.get(3).getStatus());
    assertTrue(rs.get(3).getErrorMessage().contains("answered 404"), rs.get(3).getErrorMessage());
    assertEquals(Status.ERROR, rs.get(4).getStatus());
    assertEquals("DecodeError", rs.get(4).getErrorType());
    var dead = TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of("avro-in.dlq"), 2, Duration.ofSeconds(30), false);
    assertEquals(2, dead.size());
    ConsumerRecord<byte[], byte[]> garbage = dead.stream().filter(d -> header(d, DeadLetters.OFFSET).equals("4")).findFirst().orElseThrow();
    assertEquals("DecodeError", header(garbage, DeadLetters.ERROR_TYPE));
    assertTrue(header(garbage, DeadLetters.ERROR_MESSAGE).startsWith("not binary Avro of schema shop.Order"),
        header(garbage, DeadLetters.ERROR_MESSAGE));
    assertEquals("2", header(garbage, DeadLetters.ATTEMPTS));
    assertEquals("not avro at all", new String(garbage.value(), StandardCharsets.UTF_8));
  }

  @Test
  void textGivesTheHandlerAStrAndUndecodableBytesAreDeadLettered() throws Exception {
    deploy("text-in", "text-in", "    format: text\n");
    Cluster.send("text-in", 0, List.of("{\"looks\": \"like json\"}".getBytes(StandardCharsets.UTF_8),
        new byte[] {'o', 'k', (byte) 0xff, (byte) 0xfe}));
    List<InvocationResult> rs = results("text-in", 2);
    assertTrue(Cluster.output(rs.get(0)).startsWith("{\"type\": \"str\", \"value\": \"{\\\"looks\\\": \\\"like json\\\"}\""),
        Cluster.output(rs.get(0)));
    assertEquals("DecodeError", rs.get(1).getErrorType());
    assertTrue(header(deadLetter("text-in"), DeadLetters.ERROR_MESSAGE).startsWith("value is not UTF-8 text"));
  }

  @Test
  void bytesAreNeverParsedEvenWhenTheyAreJson() throws Exception {
    deploy("bytes-in", "bytes-in", "    format: bytes\n");
    Cluster.send("bytes-in", 0, List.of("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(Cluster.output(results("bytes-in", 1).get(0)).startsWith("{\"type\": \"bytes\", \"value\": \"{\\\"a\\\": 1}\""));
  }

  @Test
  void strictJsonDeadLettersAValueThatIsNotJson() throws Exception {
    deploy("json-in", "json-in", "    format: json\n");
    Cluster.send("json-in", 0, List.of("{\"a\": 1}".getBytes(StandardCharsets.UTF_8), "{\"a\": ".getBytes(StandardCharsets.UTF_8)));
    List<InvocationResult> rs = results("json-in", 2);
    assertTrue(Cluster.output(rs.get(0)).startsWith("{\"type\": \"dict\", \"value\": {\"a\": 1}"));
    assertEquals("DecodeError", rs.get(1).getErrorType());
    assertTrue(header(deadLetter("json-in"), DeadLetters.ERROR_MESSAGE).startsWith("value is not JSON"));
  }

  @Test
  void anUnknownFormatOrAMissingSchemaFailsDeployNamingTheField() throws Exception {
    Path bad = TestFunctions.write(work, "bad-format", "bad-format-in", "    format: xml\n", SHOW);
    StringWriter err = new StringWriter();
    assertEquals(1, Main.run(new PrintWriter(err, true), "deploy", bad.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    assertTrue(err.toString().contains("field 'triggers.kafka.format': must be json, avro, bytes or text (got 'xml')"), err.toString());
    Path noSchema = TestFunctions.write(work, "no-schema", "no-schema-in", "    format: avro\n    schema: missing.avsc\n", SHOW);
    err.getBuffer().setLength(0);
    assertEquals(1, Main.run(new PrintWriter(err, true), "deploy", noSchema.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
    assertTrue(err.toString().contains("field 'triggers.kafka.schema': names no file in the function directory"), err.toString());
  }
}
