package dev.sockeye.cli;

import dev.sockeye.kafka.ClientProperties;
import dev.sockeye.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Kafka client properties (security, SASL, TLS) and the Kafka timeout, for every command that talks
 * to a cluster. They apply to a cluster given with {@code --bootstrap-servers}; the embedded broker
 * is plaintext and gets none.
 */
final class KafkaClientOptions {
  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client properties (Java properties, as Kafka tools' --command-config), e.g. security.protocol, sasl.*, ssl.*; "
          + "SOCKEYE_KAFKA_<PROPERTY> variables (SOCKEYE_KAFKA_SASL_MECHANISM=sasl.mechanism) override them")
  Path kafkaConfig;

  @Option(names = "--kafka-timeout-ms", defaultValue = "10000",
      description = "Longest wait for the cluster before a command fails naming it (default: ${DEFAULT-VALUE})")
  long kafkaTimeoutMs;

  /** The connection to {@code bootstrap} with the file's and the environment's client properties. */
  KafkaConnection connection(String bootstrap) {
    return connection(bootstrap, System.getenv());
  }

  KafkaConnection connection(String bootstrap, Map<String, String> env) {
    if (kafkaTimeoutMs < 1) {
      throw new IllegalArgumentException("--kafka-timeout-ms must be at least 1 (got " + kafkaTimeoutMs + ")");
    }
    return new KafkaConnection(bootstrap, ClientProperties.load(kafkaConfig, env), Duration.ofMillis(kafkaTimeoutMs));
  }

  /** The embedded broker: plaintext, no client properties, the same timeout. */
  KafkaConnection embedded(String bootstrap) {
    return KafkaConnection.of(bootstrap).withTimeout(Duration.ofMillis(Math.max(1, kafkaTimeoutMs)));
  }
}
