package dev.sockeye.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientPropertiesTest {
  @TempDir Path dir;

  @Test
  void environmentVariablesMapToPropertiesAndOverrideTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("kafka.properties"), "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nlinger.ms=7\n");
    Map<String, String> p = ClientProperties.load(file, Map.of(
        "SOCKEYE_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256",
        "SOCKEYE_KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/trust.p12",
        "SOCKEYE_KAFKA_TIMEOUT_MS", "3000", // the --kafka-timeout-ms flag, not a client property
        "SOCKEYE_KAFKA_CONFIG", "/elsewhere",
        "SOCKEYE_PYTHON", "/usr/bin/python3"));
    assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256", "linger.ms", "7",
        "ssl.truststore.location", "/etc/trust.p12"), p);
  }

  @Test
  void propertiesSockeyeSetsItselfAreRefusedNamingTheFile() throws Exception {
    Path file = Files.writeString(dir.resolve("kafka.properties"), "bootstrap.servers=b:9092\n");
    var e = assertThrows(IllegalArgumentException.class, () -> ClientProperties.load(file, Map.of()));
    assertTrue(e.getMessage().contains("bootstrap.servers") && e.getMessage().contains(file.toString()), e.getMessage());
    var g = assertThrows(IllegalArgumentException.class, () -> ClientProperties.load(null, Map.of("SOCKEYE_KAFKA_GROUP_ID", "x")));
    assertTrue(g.getMessage().contains("SOCKEYE_KAFKA_GROUP_ID"), g.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    var e = assertThrows(IllegalArgumentException.class, () -> ClientProperties.load(dir.resolve("nope"), Map.of()));
    assertTrue(e.getMessage().contains("--kafka-config " + dir.resolve("nope")), e.getMessage());
  }

  @Test
  void secretsAreMaskedInDescriptionsAndScrubbedFromAnyText() {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cr3t-pw\";";
    KafkaConnection c = new KafkaConnection("b:9093", Map.of("sasl.jaas.config", jaas, "ssl.key.password", "kp-123",
        "ssl.truststore.password", "tp-456", "basic.auth.user.info.secret", "x-789", "sasl.mechanism", "PLAIN"), KafkaConnection.DEFAULT_TIMEOUT);
    String shown = c.toString() + c.describeProperties() + c.describe();
    for (String secret : new String[] {"s3cr3t-pw", "kp-123", "tp-456", "x-789", "alice\" password"}) {
      assertFalse(shown.contains(secret), shown);
    }
    assertTrue(shown.contains("sasl.mechanism=PLAIN") && shown.contains("sasl.jaas.config=[hidden]"), shown);
    assertEquals("login with [hidden] failed", Secrets.redact("login with s3cr3t-pw failed"));
  }
}
