package dev.sockeye.binding.ordering;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.function.Ordering;
import java.util.List;
import org.junit.jupiter.api.Test;

class DispatchQueueTest {
  record Rec(int partition, String key, long offset, long bytes) {
    Rec(int partition, String key, long offset) {
      this(partition, key, offset, 10);
    }
  }

  private static DispatchQueue<Rec> queue(Ordering ordering) {
    return new DispatchQueue<>(ordering, new DispatchQueue.Lanes<>() {
      @Override public Object partition(Rec r) { return r.partition(); }
      @Override public Object key(Rec r) { return r.key(); }
      @Override public long bytes(Rec r) { return r.bytes(); }
    });
  }

  @Test
  void partitionOrderingHandsOutOneBatchPerPartitionUntilItIsDone() {
    DispatchQueue<Rec> q = queue(Ordering.PARTITION);
    Rec a = new Rec(0, "x", 0);
    Rec b = new Rec(0, "y", 1);
    Rec c = new Rec(1, "z", 0);
    q.add(a);
    q.add(b);
    q.add(c);

    assertEquals(List.of(a), q.next(1, Long.MAX_VALUE));
    assertEquals(List.of(c), q.next(1, Long.MAX_VALUE), "partition 0 is busy; partition 1 may run");
    assertEquals(List.of(), q.next(1, Long.MAX_VALUE));
    q.done(a);
    assertEquals(List.of(b), q.next(1, Long.MAX_VALUE));
  }

  private static final Rec K1A = new Rec(0, "k1", 0);
  private static final Rec K2 = new Rec(0, "k2", 1);
  private static final Rec K1B = new Rec(0, "k1", 2);

  private DispatchQueue<Rec> keyQueue(Rec... recs) {
    DispatchQueue<Rec> q = queue(Ordering.KEY);
    for (Rec r : recs) {
      q.add(r);
    }
    return q;
  }

  @Test
  void keyOrderingBatchesSeveralKeysEachInOffsetOrderAndHoldsAKeyUntilItsBatchIsDone() {
    DispatchQueue<Rec> q = keyQueue(K1A, K2, K1B);
    assertEquals(3, q.available());

    assertEquals(List.of(K1A, K1B, K2), q.next(10, Long.MAX_VALUE));
    Rec k1c = new Rec(0, "k1", 3);
    q.add(k1c);
    assertEquals(0, q.available());
    q.done(K1A);
    q.done(K2);
    assertEquals(List.of(), q.next(10, Long.MAX_VALUE), "k1's next record waits for all of k1's batch");
    q.done(K1B);
    assertEquals(List.of(k1c), q.next(10, Long.MAX_VALUE));
  }

  @Test
  void unbatchedKeyOrderingRunsDifferentKeysTogetherButNeverTwoOfOneKey() {
    DispatchQueue<Rec> q = keyQueue(K1A, K2, K1B);

    assertEquals(List.of(K1A), q.next(1, Long.MAX_VALUE));
    assertEquals(List.of(K2), q.next(1, Long.MAX_VALUE));
    assertEquals(List.of(), q.next(1, Long.MAX_VALUE), "k1's later offset must wait for k1's earlier one");
    q.done(K1A);
    assertEquals(List.of(K1B), q.next(1, Long.MAX_VALUE));
    assertTrue(q.sameLane(K1A, K1B));
    assertFalse(q.sameLane(K1A, K2));
    assertFalse(queue(Ordering.NONE).sameLane(K1A, K1B), "no ordering has no lanes to keep");
  }

  @Test
  void laterOffsetOfAKeyArrivingWhileItsEarlierOneRunsDoesNotOvertakeIt() {
    DispatchQueue<Rec> q = queue(Ordering.KEY);
    Rec first = new Rec(0, "k", 0);
    q.add(first);
    assertEquals(List.of(first), q.next(1, Long.MAX_VALUE));
    Rec second = new Rec(0, "k", 1);
    q.add(second);
    assertEquals(List.of(), q.next(1, Long.MAX_VALUE));
    q.done(first);
    assertEquals(List.of(second), q.next(1, Long.MAX_VALUE));
  }

  @Test
  void noOrderingHandsOutAnythingUpToTheRequestedCount() {
    DispatchQueue<Rec> q = queue(Ordering.NONE);
    for (int i = 0; i < 5; i++) {
      q.add(new Rec(0, "k", i));
    }
    assertEquals(3, q.next(3, Long.MAX_VALUE).size());
    assertEquals(2, q.next(3, Long.MAX_VALUE).size());
    assertEquals(5, q.inFlight());
  }

  @Test
  void batchStopsAtTheByteBudgetButAlwaysTakesOne() {
    DispatchQueue<Rec> q = queue(Ordering.PARTITION);
    q.add(new Rec(0, "a", 0, 600));
    q.add(new Rec(0, "a", 1, 600));
    assertEquals(1, q.next(10, 1000).size());
    DispatchQueue<Rec> big = queue(Ordering.NONE);
    big.add(new Rec(0, "a", 0, 5000));
    assertEquals(1, big.next(10, 1000).size(), "an oversized record still goes, alone");
  }

  @Test
  void droppingAPartitionForgetsOnlyItsQueuedRecords() {
    DispatchQueue<Rec> q = queue(Ordering.KEY);
    q.add(new Rec(0, "a", 0));
    q.add(new Rec(1, "b", 0));
    q.add(new Rec(1, "c", 1));
    assertEquals(2, q.dropQueued(1));
    assertEquals(1, q.buffered());
    assertEquals(0, q.buffered(1));
    assertTrue(q.next(10, Long.MAX_VALUE).stream().allMatch(r -> r.partition() == 0));
  }
}
