package dev.sockeye.binding;

import dev.sockeye.function.DeliveryMode;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.KafkaConnection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What bindings share: the cluster and its client properties, one producer and the one thread that calls its
 * {@code send} (both owned and closed by the service), and the service's stable instance id. Each
 * binding gets a consumer of its own, and in exactly-once mode a transactional producer of its own.
 */
public record KafkaAccess(KafkaConnection kafka, Producer<byte[], byte[]> producer, Executor sender, String instanceId) {
  /** A consumer for a binding: manual commits, cooperative rebalancing, a poll interval scaled to the work. */
  KafkaConsumer<byte[], byte[]> consumerFor(FunctionDefinition f) {
    String group = f.group();
    Map<String, Object> c = KafkaClients.consumerConfig(kafka, group, group + "-" + UUID.randomUUID().toString().substring(0, 8));
    // Cooperative rebalancing moves only the partitions that change owner; the others keep flowing.
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, maxPollIntervalMs(f));
    // The coordinator connection must outlive a rebalance, which may take up to max.poll.interval.ms.
    c.put(ConsumerConfig.CONNECTIONS_MAX_IDLE_MS_CONFIG, Math.max(540_000, maxPollIntervalMs(f) + 60_000));
    // A member that died (kill -9) holds its partitions until its session expires: keep that short.
    // The poll thread never waits for handlers, so heartbeats are never late because of them.
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, f.delivery().start().autoOffsetReset());
    if (f.delivery().mode() == DeliveryMode.EXACTLY_ONCE) {
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    return new KafkaConsumer<>(c);
  }

  /**
   * The poll loop does not wait for handlers, but a revocation does wait for in-flight batches to
   * drain: the interval must exceed the longest a batch can take (batch size x timeout), or a
   * slow handler would trigger the very rebalance storm this avoids.
   */
  static int maxPollIntervalMs(FunctionDefinition f) {
    long batchMs = (long) f.delivery().batch().size() * f.limits().timeoutMs();
    return (int) Math.min(Integer.MAX_VALUE, Math.max(300_000L, 2 * batchMs + 30_000L));
  }

  /**
   * A transactional producer for a binding. The id is stable per service instance (its data
   * directory) and group, so a restarted instance fences its own predecessor at once and aborts
   * its open transaction; other members are fenced through the group metadata.
   */
  Producer<byte[], byte[]> transactionalProducer(String group) {
    Map<String, Object> c = KafkaClients.producerConfig(kafka, "sockeye-txn-" + group);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sockeye-" + group + "-" + instanceId);
    c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(c);
    try {
      p.initTransactions();
    } catch (RuntimeException e) {
      p.close(java.time.Duration.ZERO);
      throw e;
    }
    return p;
  }
}
