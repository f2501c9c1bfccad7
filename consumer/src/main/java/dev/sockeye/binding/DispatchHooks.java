package dev.sockeye.binding;

import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a bounded binding (a replay) adds to its {@link Dispatcher}: the record a handler sees for a
 * consumed one, and who hears of delivered inputs. A live binding uses {@link #NONE}.
 */
record DispatchHooks(UnaryOperator<ConsumerRecord<byte[], byte[]>> present, Bounded.Observer observer) {
  static final DispatchHooks NONE = new DispatchHooks(r -> r, (tp, offset, outcome, deadLettered) -> { });
}
