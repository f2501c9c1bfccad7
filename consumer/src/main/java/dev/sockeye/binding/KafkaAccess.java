package dev.sockeye.binding;

import dev.sockeye.kafka.KafkaClients;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * What bindings share: the cluster address, one producer and the one thread that calls its
 * {@code send} (both owned and closed by the service). Each binding gets a consumer of its own.
 */
public record KafkaAccess(String bootstrap, Producer<byte[], byte[]> producer, Executor sender) {
  /** A consumer for a binding's group: manual commits, cooperative rebalancing. */
  KafkaConsumer<byte[], byte[]> consumerFor(String group) {
    Map<String, Object> c = KafkaClients.consumerConfig(bootstrap, group, group + "-" + UUID.randomUUID().toString().substring(0, 8));
    // Cooperative rebalancing moves only the partitions that change owner; the others keep flowing.
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return new KafkaConsumer<>(c);
  }
}
