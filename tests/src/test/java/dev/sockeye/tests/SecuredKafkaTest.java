package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker with a SASL_PLAINTEXT (PLAIN) listener and a TLS listener: deploy, produce, a {@code run}
 * service and results all go through them with the client properties of {@code --kafka-config} or
 * {@code SOCKEYE_KAFKA_*}; a wrong password fails at once saying so; no password is ever printed.
 */
@ExtendWith(NoLeaks.class)
class SecuredKafkaTest {
  private static final String PASSWORD = "alice-pw-7f3kQ";
  private static final String STORE_PASSWORD = "store-pw-91xZ";
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required ";

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static Path saslConfig;
  private static Path tlsConfig;

  @BeforeAll
  static void startBroker() throws Exception {
    Path keystore = dir.resolve("broker.p12");
    Path truststore = dir.resolve("trust.p12");
    TlsStores.create(dir, keystore, truststore, STORE_PASSWORD);
    kafka = EmbeddedKafka.start(Files.createDirectories(dir.resolve("broker")), 0, List.of(
        new EmbeddedKafka.Listener("SASL", "SASL_PLAINTEXT", Map.of(
            "sasl.enabled.mechanisms", "PLAIN",
            "plain.sasl.jaas.config", JAAS + "username=\"admin\" password=\"admin-pw\" user_admin=\"admin-pw\" user_alice=\"" + PASSWORD + "\";")),
        new EmbeddedKafka.Listener("TLS", "SSL", Map.of(
            "ssl.keystore.location", keystore.toString(),
            "ssl.keystore.password", STORE_PASSWORD,
            "ssl.key.password", STORE_PASSWORD,
            "ssl.keystore.type", "PKCS12"))));
    saslConfig = Files.writeString(dir.resolve("sasl.properties"), saslProperties(PASSWORD));
    tlsConfig = Files.writeString(dir.resolve("tls.properties"), "security.protocol=SSL\nssl.truststore.location=" + truststore
        + "\nssl.truststore.password=" + STORE_PASSWORD + "\nssl.truststore.type=PKCS12\n");
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static String saslProperties(String password) {
    return "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.jaas.config=" + JAAS
        + "username=\\\"alice\\\" password=\\\"" + password + "\\\";\n";
  }

  @Test
  void deployProduceRunAndResultsWorkOverSaslWithAKafkaConfigFile() throws Exception {
    String sasl = kafka.bootstrapServers("SASL");
    List<String> cli = List.of("--bootstrap-servers", sasl, "--kafka-config", saslConfig.toString());
    String transcript = wholePath("sasl-echo", cli, List.of("--kafka-config", saslConfig.toString()), Map.of());
    System.out.println("--- SASL transcript ---\n" + transcript);
  }

  @Test
  void deployProduceRunAndResultsWorkOverTlsWithTheServiceConfiguredByEnvironment() throws Exception {
    String tls = kafka.bootstrapServers("TLS");
    List<String> cli = List.of("--bootstrap-servers", tls, "--kafka-config", tlsConfig.toString());
    Map<String, String> env = Map.of(
        "SOCKEYE_KAFKA_SECURITY_PROTOCOL", "SSL",
        "SOCKEYE_KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("trust.p12").toString(),
        "SOCKEYE_KAFKA_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD,
        "SOCKEYE_KAFKA_SSL_TRUSTSTORE_TYPE", "PKCS12");
    String transcript = wholePath("tls-echo", cli, List.of(), env);
    System.out.println("--- TLS transcript ---\n" + transcript);
  }

  /** deploy, produce, a run service, results, logs; returns what the commands and the service printed. */
  private static String wholePath(String name, List<String> cli, List<String> serviceFlags, Map<String, String> env) throws Exception {
    Path fn = TestFunctions.write(Files.createDirectories(dir.resolve("functions")), name, name + "-in", "",
        "def handler(event, context):\n    print('handling', event['value']['who'])\n    return {'hello': event['value']['who']}\n");
    Path events = Files.writeString(dir.resolve(name + ".jsonl"), "{\"who\": \"" + name + "\"}\n");
    StringBuilder transcript = new StringBuilder();
    try (ChildService service = ChildService.start(cli.get(1), dir.resolve(name + "-data"),
        concat(serviceFlags, List.of("--unsafe-no-sandbox", "--metrics-port", "0")), env)) {
      await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
        String log = Files.readString(service.log());
        assertTrue(log.contains("sockeye is running"), log);
      });
      transcript.append(command(0, concat(List.of("deploy", fn.toString()), cli)));
      transcript.append(command(0, concat(List.of("produce", "--topic", name + "-in", "--file", events.toString()), cli)));
      String results = command(0, concat(List.of("results", "--topic", name + "-in.results", "--max", "1", "--idle-exit-ms", "60000"), cli));
      transcript.append(results);
      assertTrue(results.contains(" OK ") && results.contains("\"hello\"") && results.contains("\"" + name + "\""), results);
      String[] logs = new String[1]; // the handler's line and its REPORT, read back over the same secured listener
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        logs[0] = command(0, concat(List.of("logs", name), cli));
        assertTrue(logs[0].contains("handling " + name) && logs[0].contains("REPORT status=OK"), logs[0]);
      });
      transcript.append(logs[0]);
      String log = Files.readString(service.log());
      transcript.append("$ (service log)\n").append(log);
      assertTrue(log.contains("=[hidden]") || env.containsKey("SOCKEYE_KAFKA_SSL_TRUSTSTORE_PASSWORD"), log);
      service.stop();
      String all = transcript + Files.readString(service.log());
      assertFalse(all.contains(PASSWORD) || all.contains(STORE_PASSWORD), "a password was printed:\n" + all);
    }
    return transcript.toString();
  }

  @Test
  void aWrongPasswordFailsWithinSecondsSayingAuthenticationFailedAtTheBroker() {
    String sasl = kafka.bootstrapServers("SASL");
    String wrong = "wrong-pw-5521";
    Path bad = write("bad.properties", saslProperties(wrong));
    for (List<String> args : List.of(List.of("status"), List.of("results", "--topic", "x"),
        List.of("run", "--data-dir", dir.resolve("bad-run").toString(), "--unsafe-no-sandbox"))) {
      long start = System.nanoTime();
      StringWriter err = new StringWriter();
      int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(),
          concat(args, List.of("--bootstrap-servers", sasl, "--kafka-config", bad.toString())).toArray(String[]::new));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      System.out.printf("$ sockeye %s (wrong password) -> exit %d after %d ms:%n%s", String.join(" ", args), code, took.toMillis(), err);
      assertEquals(1, code, err.toString());
      assertTrue(err.toString().contains("Kafka at " + sasl + " (SASL_PLAINTEXT PLAIN): authentication failed"), err.toString());
      assertFalse(err.toString().contains(wrong), err.toString());
      assertTrue(took.compareTo(Duration.ofSeconds(8)) < 0, args + " took " + took);
    }
  }

  @Test
  void anUntrustedBrokerCertificateFailsSayingTheHandshakeFailed() {
    String tls = kafka.bootstrapServers("TLS");
    Path noTrust = write("untrusted.properties", "security.protocol=SSL\n");
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), Map.of(),
        "status", "--bootstrap-servers", tls, "--kafka-config", noTrust.toString());
    assertEquals(1, code, err.toString());
    assertTrue(err.toString().contains("Kafka at " + tls + " (SSL): authentication failed"), err.toString());
  }

  private static Path write(String name, String text) {
    try {
      return Files.writeString(dir.resolve(name), text);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Runs a command through Main as a user would, and returns "$ sockeye ARGS" and what it printed. */
  private static String command(int expectedCode, List<String> args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    StringWriter err = new StringWriter();
    int code;
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      code = Main.run(new PrintWriter(System.out, true), new PrintWriter(err, true), Map.of(), args.toArray(String[]::new));
    } finally {
      System.setOut(original);
    }
    String printed = "$ sockeye " + String.join(" ", args) + "\n" + bytes.toString(StandardCharsets.UTF_8) + err;
    assertEquals(expectedCode, code, printed);
    return printed;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
