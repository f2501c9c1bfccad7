package dev.sockeye.binding;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Items posted from any thread and handled in order on one executor, many per hop: at thousands of items a
 * second, one executor task per item would cost more than the items. Thread-safe.
 *
 * @param <T> the item
 */
final class Mailbox<T> {
  private final Executor executor;
  private final Consumer<T> handler;
  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  /** {@code executor} must run one task at a time (a loop, or a single thread). */
  Mailbox(Executor executor, Consumer<T> handler) {
    this.executor = executor;
    this.handler = handler;
  }

  void post(T item) {
    items.add(item);
    if (scheduled.compareAndSet(false, true)) {
      executor.execute(this::drain);
    }
  }

  private void drain() {
    scheduled.set(false); // before polling: an item posted from now on schedules another drain
    T item;
    while ((item = items.poll()) != null) {
      handler.accept(item);
    }
  }
}
