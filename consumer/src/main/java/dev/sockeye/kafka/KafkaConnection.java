package dev.sockeye.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How to reach a Kafka cluster: its address, the client properties every client Sockeye makes gets
 * (security.protocol, sasl.*, ssl.* and so on, from {@code --kafka-config} and {@code SOCKEYE_KAFKA_*}),
 * and how long a client may wait for the cluster before an operation fails. {@link #toString()}
 * never shows a secret.
 *
 * @param bootstrap the bootstrap servers, e.g. {@code broker-1:9093,broker-2:9093}
 * @param properties Kafka client properties, applied to every admin, producer and consumer
 * @param timeout the longest a request, a metadata wait or an API call may take
 */
public record KafkaConnection(String bootstrap, Map<String, String> properties, Duration timeout) {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public KafkaConnection {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("bootstrap_servers must not be empty");
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.toMillis() < 1 || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("kafka timeout must be between 1 ms and 24 days (got " + timeout.toMillis() + " ms)");
    }
    properties = Map.copyOf(properties);
    properties.forEach(Secrets::remember);
  }

  /** A plaintext cluster without client properties, with the default timeout. */
  public static KafkaConnection of(String bootstrap) {
    return new KafkaConnection(bootstrap, Map.of(), DEFAULT_TIMEOUT);
  }

  public KafkaConnection withTimeout(Duration t) {
    return new KafkaConnection(bootstrap, properties, t);
  }

  /** The client properties with secrets masked, sorted: safe to print. */
  public String describeProperties() {
    return new TreeMap<>(properties).entrySet().stream()
        .map(e -> e.getKey() + "=" + Secrets.mask(e.getKey(), e.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** The address and, when set, the security protocol and SASL mechanism: what an error message names. */
  public String describe() {
    StringBuilder s = new StringBuilder(bootstrap);
    String protocol = properties.get("security.protocol");
    if (protocol != null) {
      s.append(" (").append(protocol);
      String mechanism = properties.get("sasl.mechanism");
      if (mechanism != null && protocol.startsWith("SASL")) {
        s.append(' ').append(mechanism);
      }
      s.append(')');
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "KafkaConnection[" + bootstrap + ", {" + describeProperties() + "}, timeout " + timeout.toMillis() + " ms]";
  }
}
