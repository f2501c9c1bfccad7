package dev.sockeye.binding;

import dev.sockeye.executor.InvocationOutcome;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;

/**
 * What one binding reports, for metrics. The binding package knows no metrics library; the service
 * implements this with Micrometer. Each method says which thread calls it; implementations are
 * cheap (they run once per record) and never block or throw.
 */
public interface BindingObserver {
  /** Makes the observer of one binding (function version): called on the binding's event loop at start. */
  interface Factory {
    BindingObserver forBinding(String function, String group);
  }

  BindingObserver NONE = new BindingObserver() {};

  /** One partition's position, as the poll thread sees it; {@code lagSeconds} is 0 when nothing lags. */
  record PartitionLag(TopicPartition partition, long committed, long end, long lagRecords, double lagSeconds) {}

  // ---- the binding's event loop (Dispatcher)

  /** {@code events} records were handed to the executor. */
  default void dispatched(int events) {}

  /** One record's invocation finished with {@code outcome}; {@code queued} counts from poll to an instance. */
  default void invoked(InvocationOutcome outcome, Duration queued) {}

  /** A failed record will run again after a backoff. */
  default void retried() {}

  /** A record is done: its result (and dead letter, if {@code deadLetterReason} is not null) is acknowledged. */
  default void completed(String deadLetterReason, Duration eventToResult, Duration publish) {}

  // ---- the poll thread (Poller)

  /** The binding's consumer exists (for client metrics); it is closed before {@link #closed()}. */
  default void consumerCreated(Consumer<?, ?> consumer) {}

  /** A rebalance finished and these partitions were added (possibly none). */
  default void assigned(Collection<TopicPartition> added) {}

  /** These partitions moved away: forget their positions. */
  default void revoked(Collection<TopicPartition> removed) {}

  /** Every assigned partition's position, at a bounded rate; {@code paused} is a subset of their partitions. */
  default void positions(List<PartitionLag> lags, Collection<TopicPartition> paused) {}

  // ---- the transaction thread (exactly-once mode)

  /** A transactional producer was made (after a fencing, a new one replaces the last). */
  default void producerCreated(Producer<?, ?> producer) {}

  /** A transaction ended: committed, or aborted (and its records will run again). */
  default void transaction(boolean committed) {}

  // ---- the event loop, at stop

  /** The binding stopped: drop what it reported. */
  default void closed() {}
}
