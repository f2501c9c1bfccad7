package dev.sockeye.binding;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a binding's finished inputs go: at-least-once (results acknowledged one by one, offsets
 * committed by the poller) or exactly-once (results and offsets in one transaction). Called on the
 * binding's event loop; implementations never block it.
 */
public interface Delivery extends AutoCloseable {
  /** Completes once the emission counts as delivered: acknowledged, or staged in the open transaction. */
  CompletableFuture<Void> deliver(Emission emission);

  /** Every input of {@code tp} before {@code nextOffset} is delivered: that offset may be committed. */
  void committable(TopicPartition tp, long nextOffset);

  /** Completes when what was delivered and made committable so far is durable (a transaction committed). */
  CompletableFuture<Void> flush();

  /** Releases the delivery's clients; blocks, so never call it on an event loop. Idempotent. */
  @Override
  void close();
}
