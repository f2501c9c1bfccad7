package dev.sockeye.zygote;

import dev.sockeye.zygote.process.UnixSockets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The resources a manager has handed out or started, so that close() can release all of them. Once closed,
 * {@link #add} refuses new entries, which closes the race between a late fork and close(). Guarded by
 * {@code this}; any thread may call it.
 */
final class Registry<T extends AutoCloseable> {
  private final Set<T> items = new LinkedHashSet<>();
  private boolean closed;

  /** False if the registry is already closed; the caller must then release {@code item} itself. */
  synchronized boolean add(T item) {
    if (closed) {
      return false;
    }
    items.add(item);
    return true;
  }

  synchronized void remove(T item) {
    items.remove(item);
  }

  synchronized List<T> snapshot() {
    return new ArrayList<>(items);
  }

  /** Marks the registry closed and closes every entry outside the lock (closing may call {@link #remove}). */
  void closeAll() {
    List<T> toClose;
    synchronized (this) {
      closed = true;
      toClose = new ArrayList<>(items);
      items.clear();
    }
    toClose.forEach(UnixSockets::closeQuietly);
  }
}
