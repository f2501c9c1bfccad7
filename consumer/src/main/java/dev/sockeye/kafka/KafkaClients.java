package dev.sockeye.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings shared by every Kafka client Sockeye creates; all keys and values are bytes. The
 * connection's client properties (security, SASL, TLS, tuning) go on top of Sockeye's defaults;
 * what Sockeye's correctness rests on (serializers, groups, acks, idempotence, manual commits) goes last.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /** An admin whose every call fails after the connection's timeout rather than retrying on. */
  public static Map<String, Object> adminConfig(KafkaConnection kafka) {
    Map<String, Object> c = base(kafka);
    int ms = (int) kafka.timeout().toMillis();
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    c.putAll(kafka.properties());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    return c;
  }

  /** An idempotent producer that waits for all in-sync replicas: a result counts only once it is durable. */
  public static Map<String, Object> producerConfig(KafkaConnection kafka, String clientId) {
    Map<String, Object> c = base(kafka);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    c.putAll(kafka.properties());
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    c.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return c;
  }

  /**
   * A producer for a command: a send waits for metadata at most the connection's timeout, where a
   * service's producer keeps Kafka's longer default and rides out a broker restart.
   */
  public static Map<String, Object> commandProducerConfig(KafkaConnection kafka, String clientId) {
    Map<String, Object> c = producerConfig(kafka, clientId);
    if (!kafka.properties().containsKey(ProducerConfig.MAX_BLOCK_MS_CONFIG)) {
      c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, kafka.timeout().toMillis());
    }
    return c;
  }

  /** A consumer that never auto-commits; {@code group} may be null for an assign-only reader. */
  public static Map<String, Object> consumerConfig(KafkaConnection kafka, String group, String clientId) {
    Map<String, Object> c = base(kafka);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.putAll(kafka.properties());
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    if (group != null) {
      c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return c;
  }

  /** A connection attempt to a silent address gives up within the timeout (Kafka's default is 30 s, then more). */
  private static Map<String, Object> base(KafkaConnection kafka) {
    Map<String, Object> c = new HashMap<>();
    long ms = kafka.timeout().toMillis();
    c.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(10_000L, ms));
    c.put(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.max(Math.min(10_000L, ms), Math.min(30_000L, ms)));
    return c;
  }
}
