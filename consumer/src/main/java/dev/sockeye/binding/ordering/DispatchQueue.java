package dev.sockeye.binding.ordering;

import dev.sockeye.function.Ordering;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Polled records waiting to run, in lanes: one lane per partition ({@code partition} ordering), per
 * partition and key ({@code key}), or a single lane ({@code none}). A lane with work in flight is
 * busy and hands out nothing more, so a later record of a partition (or key) never overtakes an
 * earlier one, retries included: an item stays in flight until {@link #done} is called for it.
 *
 * <p>Not thread-safe: owned by the binding's event loop.
 *
 * @param <T> the queued item
 */
public final class DispatchQueue<T> {
  /** What the queue needs to know of an item. */
  public interface Lanes<T> {
    /** The partition of the item, e.g. a TopicPartition. */
    Object partition(T item);

    /** The item's key, compared with equals; null keys share one lane per partition. */
    Object key(T item);

    long bytes(T item);
  }

  private record Lane(Object partition, Object key) {}

  private static final Object ALL = new Object();

  private final Ordering ordering;
  private final Lanes<T> lanes;
  private final Map<Lane, ArrayDeque<T>> queued = new HashMap<>();
  private final Map<Lane, Integer> busy = new HashMap<>(); // lane -> items in flight
  private final LinkedHashSet<Lane> ready = new LinkedHashSet<>(); // queued and not busy, oldest first
  private final Map<Object, Integer> bufferedByPartition = new HashMap<>();
  private int buffered;
  private int inFlight;

  public DispatchQueue(Ordering ordering, Lanes<T> lanes) {
    this.ordering = Objects.requireNonNull(ordering);
    this.lanes = lanes;
  }

  private Lane laneOf(T item) {
    return switch (ordering) {
      case PARTITION -> new Lane(lanes.partition(item), ALL);
      case KEY -> new Lane(lanes.partition(item), lanes.key(item));
      case NONE -> new Lane(ALL, ALL);
    };
  }

  /** Queues an item behind the earlier items of its lane. */
  public void add(T item) {
    Lane lane = laneOf(item);
    queued.computeIfAbsent(lane, l -> new ArrayDeque<>()).addLast(item);
    if (!busy.containsKey(lane) || ordering == Ordering.NONE) {
      ready.add(lane);
    }
    buffered++;
    bufferedByPartition.merge(lanes.partition(item), 1, Integer::sum);
  }

  /**
   * Takes up to {@code max} items that may run now (at least one if any may, whatever its size),
   * within {@code maxBytes}, and marks them in flight. In {@code partition} ordering they come
   * from one partition, consecutive; in {@code key} ordering from any number of keys, each key's
   * records consecutive and in order (a lane's next batch waits until this one is done).
   */
  public List<T> next(int max, long maxBytes) {
    List<T> out = new ArrayList<>();
    long bytes = 0;
    Iterator<Lane> it = ready.iterator();
    while (it.hasNext() && out.size() < max) {
      Lane lane = it.next();
      ArrayDeque<T> q = queued.get(lane);
      int taken = 0;
      while (!q.isEmpty() && out.size() < max) {
        long b = lanes.bytes(q.peekFirst());
        if (!out.isEmpty() && bytes + b > maxBytes) {
          break;
        }
        bytes += b;
        out.add(take(lane, q));
        taken++;
      }
      if (taken == 0) {
        break; // the byte budget is spent
      }
      if (ordering != Ordering.NONE) {
        it.remove(); // busy now
        busy.merge(lane, taken, Integer::sum);
      } else if (q.isEmpty()) {
        it.remove();
      }
      if (q.isEmpty()) {
        queued.remove(lane);
      }
      if (ordering == Ordering.PARTITION || (!out.isEmpty() && bytes >= maxBytes)) {
        break;
      }
    }
    inFlight += out.size();
    return out;
  }

  private T take(Lane lane, ArrayDeque<T> q) {
    T item = q.pollFirst();
    buffered--;
    bufferedByPartition.merge(lanes.partition(item), -1, (a, b) -> a + b == 0 ? null : a + b);
    return item;
  }

  /** The item left flight (published, dead-lettered or abandoned): its lane may hand out the next. */
  public void done(T item) {
    inFlight--;
    Lane lane = laneOf(item);
    Integer left = busy.computeIfPresent(lane, (l, n) -> n > 1 ? n - 1 : null);
    if (left == null && queued.containsKey(lane)) {
      ready.add(lane);
    }
  }

  /** Forgets the queued (not in-flight) items of {@code partition}; returns how many. */
  public int dropQueued(Object partition) {
    int dropped = 0;
    for (Iterator<Map.Entry<Lane, ArrayDeque<T>>> it = queued.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Lane, ArrayDeque<T>> e = it.next();
      if (ordering == Ordering.NONE) {
        int before = e.getValue().size();
        e.getValue().removeIf(item -> lanes.partition(item).equals(partition));
        dropped += before - e.getValue().size();
      } else if (e.getKey().partition().equals(partition)) {
        dropped += e.getValue().size();
        it.remove();
        ready.remove(e.getKey());
      }
    }
    queued.values().removeIf(ArrayDeque::isEmpty);
    ready.removeIf(l -> !queued.containsKey(l));
    buffered -= dropped;
    bufferedByPartition.remove(partition);
    return dropped;
  }

  /** Items that {@link #next} could hand out now, for batch windows. */
  public int available() {
    return switch (ordering) {
      case KEY -> ready.stream().mapToInt(l -> queued.get(l).size()).sum();
      case PARTITION -> ready.isEmpty() ? 0 : queued.get(ready.iterator().next()).size();
      case NONE -> buffered;
    };
  }

  /** Whether two items must run in order: they share a lane (never in {@code none} ordering). */
  public boolean sameLane(T a, T b) {
    return ordering != Ordering.NONE && laneOf(a).equals(laneOf(b));
  }

  public int buffered() {
    return buffered;
  }

  public int buffered(Object partition) {
    return bufferedByPartition.getOrDefault(partition, 0);
  }

  public int inFlight() {
    return inFlight;
  }
}
