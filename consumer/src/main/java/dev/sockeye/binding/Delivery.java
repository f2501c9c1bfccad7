package dev.sockeye.binding;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a binding's finished inputs go: at-least-once (results acknowledged one by one, offsets
 * committed by the poller) or exactly-once (results and offsets in one transaction). Called on the
 * binding's event loop; implementations never block it.
 */
public interface Delivery extends AutoCloseable {
  /**
   * Completes once the emission counts as delivered: acknowledged, or staged for a transaction (which
   * writes it only together with an offset commit that covers its input).
   */
  CompletableFuture<Void> deliver(Emission emission);

  /** Every input of {@code tp} before {@code nextOffset} is delivered: that offset may be committed. */
  void committable(TopicPartition tp, long nextOffset);

  /**
   * {@code partitions} were (re)assigned or released: what was delivered for them and not yet made
   * durable is forgotten (those inputs run again, here or at their next owner).
   */
  default void forget(java.util.Collection<TopicPartition> partitions) {}

  /** Completes when what was delivered and made committable so far is durable (a transaction committed). */
  CompletableFuture<Void> flush();

  /** Releases the delivery's clients; blocks, so never call it on an event loop. Idempotent. */
  @Override
  void close();
}
