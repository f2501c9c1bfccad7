package dev.sockeye.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.binding.retry.RetryPolicy;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import dev.sockeye.function.BatchSettings;
import dev.sockeye.function.DeliverySettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.Ordering;
import dev.sockeye.function.RetrySettings;
import dev.sockeye.executor.CallMode;
import dev.sockeye.executor.Event;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The binding's delivery logic with fakes at its edges: a hand-completed executor, a recording delivery, a manual loop and clock. */
class DispatcherTest {
  private static final TopicPartition P0 = new TopicPartition("in", 0);
  private static final InvocationOutcome OK = new InvocationOutcome.Succeeded("1".getBytes(), "application/json", StartKind.WARM, Timings.NONE);
  private static final InvocationOutcome ERROR = new InvocationOutcome.Failed("ValueError", "bad", StartKind.WARM, Timings.NONE);

  /** A clock tests move by hand. */
  static final class MutableClock extends Clock {
    Instant now = Instant.parse("2024-05-01T00:00:00Z");
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now; }
  }

  record Call(List<Event> events, CallMode mode, CompletableFuture<List<InvocationOutcome>> result) {
    void complete(InvocationOutcome... outcomes) {
      result.complete(List.of(outcomes));
    }
  }

  record Timer(long at, Runnable task) {}

  private final MutableClock clock = new MutableClock();
  private final List<Call> calls = new ArrayList<>();
  private final List<Timer> timers = new ArrayList<>();
  private final List<Emission> emitted = new ArrayList<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final List<Set<TopicPartition>> pauses = new ArrayList<>();
  private final List<CompletableFuture<Void>> acknowledgements = new ArrayList<>();
  private boolean holdAcknowledgements;

  private final Delivery delivery = new Delivery() {
    @Override public CompletableFuture<Void> deliver(Emission e) {
      emitted.add(e);
      if (!holdAcknowledgements) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> ack = new CompletableFuture<>();
      acknowledgements.add(ack);
      return ack;
    }
    @Override public void committable(TopicPartition tp, long next) { committed.put(tp, next); }
    @Override public CompletableFuture<Void> flush() { return CompletableFuture.completedFuture(null); }
    @Override public void close() { }
  };

  private Dispatcher dispatcher(Ordering ordering, int maxAttempts, BatchSettings batch) {
    DeliverySettings d = new DeliverySettings(null, null, DeliverySettings.DEFAULT.start(), ordering, 8, batch,
        new RetrySettings(maxAttempts, 100, 1000, 0), null, DeliverySettings.DEFAULT.mode());
    FunctionDefinition f = new FunctionDefinition("fn", List.of("in"), null, new FunctionLimits(1000, 64, 2), d);
    Dispatcher.Invoker invoker = (events, mode) -> {
      Call c = new Call(events, mode, new CompletableFuture<>());
      calls.add(c);
      return (CompletionStage<List<InvocationOutcome>>) c.result();
    };
    Dispatcher.Loop loop = (delay, task) -> timers.add(new Timer(clock.millis() + delay, task));
    return new Dispatcher(f, new ResultRecords("fn", "v1", clock), invoker, delivery, loop, pauses::add,
        new RetryPolicy(d.retry(), () -> 0.0), clock);
  }

  /** Runs every timer due by now, including those they schedule. */
  private void runDue() {
    boolean ran = true;
    while (ran) {
      ran = false;
      for (Timer t : new ArrayList<>(timers)) {
        if (t.at() <= clock.millis()) {
          timers.remove(t);
          t.task().run();
          ran = true;
        }
      }
    }
  }

  private void advance(long ms) {
    clock.now = clock.now.plusMillis(ms);
    runDue();
  }

  private static ConsumerRecord<byte[], byte[]> rec(long offset, String key) {
    return new ConsumerRecord<>("in", 0, offset, key.getBytes(StandardCharsets.UTF_8), ("{\"o\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static List<Long> offsets(Call c) {
    return c.events().stream().map(Event::offset).toList();
  }

  @Test
  void onlyTheContiguousPrefixOfDeliveredOffsetsIsCommittable() {
    Dispatcher d = dispatcher(Ordering.NONE, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b"), rec(2, "c")), 1);
    assertEquals(3, calls.size());

    calls.get(2).complete(OK);
    calls.get(1).complete(OK);
    runDue();
    assertEquals(null, committed.get(P0), "offset 0 is not done: nothing may be committed");
    calls.get(0).complete(OK);
    runDue();
    assertEquals(3L, committed.get(P0));
  }

  @Test
  void resultFromRevokedEpochIsNotCommitted() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a")), 1);
    d.revoked(List.of(P0));
    d.released(List.of(P0));
    d.assigned(List.of(P0), 2);

    calls.get(0).complete(OK);
    runDue();

    assertTrue(committed.isEmpty(), "a late result of epoch 1 committed " + committed);
    assertTrue(emitted.isEmpty());
  }

  @Test
  void nextRecordOfAPartitionRunsOnceTheResultIsHandedOverButItsOffsetWaitsForTheAcknowledgement() {
    holdAcknowledgements = true;
    Dispatcher d = dispatcher(Ordering.PARTITION, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b")), 1);
    calls.get(0).complete(OK);
    runDue();
    assertEquals(2, calls.size(), "the lane waited for the broker's acknowledgement");
    calls.get(1).complete(OK);
    runDue();
    assertTrue(committed.isEmpty(), "committed before any acknowledgement: " + committed);

    acknowledgements.get(1).complete(null);
    runDue();
    assertTrue(committed.isEmpty(), "offset 0 is not acknowledged: nothing may be committed");
    boolean[] idle = {false};
    d.whenIdle(List.of(P0), () -> idle[0] = true);
    assertTrue(!idle[0], "a revocation must wait for unacknowledged results");
    acknowledgements.get(0).complete(null);
    runDue();
    assertEquals(2L, committed.get(P0));
    assertTrue(idle[0]);
  }

  @Test
  void recordsKeepFlowingAfterARebalanceThatLeftTheirPartitionInPlace() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a")), 1);
    d.assigned(List.of(), 2); // cooperative rebalance (e.g. the group re-formed after a broker restart): nothing moved
    calls.get(0).complete(OK);
    runDue();
    d.offer(List.of(rec(1, "b")), 2);
    assertEquals(2, calls.size(), "a record polled after the rebalance was dropped");
    calls.get(1).complete(OK);
    runDue();
    assertEquals(2L, committed.get(P0));
  }

  @Test
  void recordPolledBeforeItsPartitionWasReassignedIsDropped() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 3);
    d.offer(List.of(rec(0, "a")), 2);
    assertTrue(calls.isEmpty());
  }

  @Test
  void failingRecordIsRetriedWithBackoffThenDeadLetteredAndOnlyThenCommitted() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 3, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a")), 1);

    calls.get(0).complete(ERROR);
    runDue();
    assertEquals(1, calls.size(), "the retry waits for its backoff");
    advance(50);
    calls.get(1).complete(ERROR);
    runDue();
    advance(100);
    assertEquals(3, calls.size());
    assertTrue(committed.isEmpty());
    calls.get(2).complete(ERROR);
    runDue();

    assertEquals(1, emitted.size());
    var dead = emitted.get(0).deadLetterOrNull();
    assertNotNull(dead);
    assertEquals("in.dlq", dead.topic());
    assertEquals("3", new String(dead.headers().lastHeader(DeadLetters.ATTEMPTS).value()));
    assertEquals("ValueError", new String(dead.headers().lastHeader(DeadLetters.ERROR_TYPE).value()));
    assertEquals(1L, committed.get(P0));
  }

  @Test
  void inKeyOrderingOtherKeysFlowWhileOneKeyRetriesAndItsLaterRecordsWait() {
    Dispatcher d = dispatcher(Ordering.KEY, 2, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "poison"), rec(1, "poison"), rec(2, "ok")), 1);
    assertEquals(List.of(List.of(0L), List.of(2L)), calls.stream().map(DispatcherTest::offsets).toList());

    calls.get(0).complete(ERROR);
    calls.get(1).complete(OK);
    runDue();
    assertEquals(2, calls.size(), "offset 1 shares the poison key: it waits for offset 0");
    advance(100);
    assertEquals(List.of(0L), offsets(calls.get(2)), "the retry comes before the key's next record");
    calls.get(2).complete(ERROR);
    runDue();
    assertEquals(List.of(1L), offsets(calls.get(3)));
  }

  @Test
  void partialBatchWaitsForItsWindowThenGoesAsABatch() {
    Dispatcher d = dispatcher(Ordering.NONE, 1, new BatchSettings(4, 50, 1 << 20));
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b")), 1);
    assertEquals(0, calls.size());

    advance(50);

    assertEquals(1, calls.size());
    assertEquals(List.of(0L, 1L), offsets(calls.get(0)));
    assertEquals(CallMode.BATCH, calls.get(0).mode());
  }

  @Test
  void batchItemFailureRetriesOnlyTheFailedRecord() {
    Dispatcher d = dispatcher(Ordering.NONE, 2, new BatchSettings(2, 0, 1 << 20));
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b")), 1);
    calls.get(0).complete(OK, ERROR);
    runDue();
    advance(100);

    assertEquals(List.of(1L), offsets(calls.get(1)));
    assertEquals(1L, committed.get(P0));
  }

  @Test
  void inPartitionOrderingARetryingRecordHoldsBackTheLaterRecordsOfItsBatch() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 3, new BatchSettings(3, 0, 1 << 20));
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b"), rec(2, "c")), 1);
    calls.get(0).complete(OK, ERROR, OK);
    runDue();
    assertEquals(List.of(0L), emitted.stream().map(Emission::offset).toList(), "offset 2 must not finish before offset 1");

    advance(100);
    assertEquals(List.of(1L, 2L), offsets(calls.get(1)), "the held-back record runs again, after the retry");
    calls.get(1).complete(OK, OK);
    runDue();

    assertEquals(List.of(0L, 1L, 2L), emitted.stream().map(Emission::offset).toList());
    assertEquals(3L, committed.get(P0));
    assertEquals(List.of(1, 2, 1), emitted.stream().map(e -> attempt(e)).toList(), "the held-back run is not an attempt");
  }

  @Test
  void inKeyOrderingARetryingRecordHoldsBackOnlyItsOwnKeysLaterRecordsOfItsBatch() {
    Dispatcher d = dispatcher(Ordering.KEY, 3, new BatchSettings(3, 0, 1 << 20));
    d.assigned(List.of(P0), 1);
    d.offer(List.of(rec(0, "a"), rec(1, "b"), rec(2, "a")), 1);
    assertEquals(List.of(0L, 2L, 1L), offsets(calls.get(0)), "a key's records go together, in order");
    calls.get(0).complete(ERROR, OK, OK);
    runDue();
    assertEquals(List.of(1L), emitted.stream().map(Emission::offset).toList(), "key b is not held back by key a");

    advance(100);
    assertEquals(List.of(0L, 2L), offsets(calls.get(1)));
  }

  private static int attempt(Emission e) {
    return dev.sockeye.schemas.codec.AvroBytes.RESULT.decode(e.result().value()).getAttempt();
  }

  @Test
  void partitionHoldingTooMuchUnprocessedWorkIsPausedAndResumedAsItDrains() {
    Dispatcher d = dispatcher(Ordering.PARTITION, 1, BatchSettings.NONE);
    d.assigned(List.of(P0), 1);
    List<ConsumerRecord<byte[], byte[]>> many = new ArrayList<>();
    for (int i = 0; i < 201; i++) {
      many.add(rec(i, "k"));
    }
    d.offer(many, 1);
    assertEquals(Set.of(P0), pauses.get(pauses.size() - 1));

    for (int i = 0; i < 120; i++) {
      calls.get(i).complete(OK);
      runDue();
    }
    assertEquals(Set.of(), pauses.get(pauses.size() - 1));
  }
}
