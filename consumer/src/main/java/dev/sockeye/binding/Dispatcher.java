package dev.sockeye.binding;

import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.binding.ordering.DispatchQueue;
import dev.sockeye.binding.retry.Decision;
import dev.sockeye.binding.retry.RetryPolicy;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.function.DeliverySettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.executor.CallMode;
import dev.sockeye.executor.Event;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery logic of one binding, without Vert.x or Kafka clients: queues polled records in
 * ordering lanes, dispatches them (in batches) to the executor, retries failures with backoff,
 * emits results and dead letters, tracks per-partition offsets and reports the committable prefix,
 * and asks for partitions to be paused while they hold too much unprocessed work.
 *
 * <p>Not thread-safe: everything runs on the binding's event loop; {@link Loop} brings futures back
 * there. Every record is tagged with its partition's assignment epoch: a result of an older epoch is
 * dropped, never committed.
 */
final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  /** The edges: the executor and the event loop's timers. */
  interface Invoker {
    CompletionStage<List<InvocationOutcome>> invoke(List<Event> events, CallMode mode);
  }

  interface Loop {
    /** Runs {@code task} on the loop after {@code delayMs} (0: soon). */
    void schedule(long delayMs, Runnable task);
  }

  private record PartitionState(long epoch, OffsetTracker tracker) {}

  private final FunctionDefinition function;
  private final DeliverySettings settings;
  private final Invoker invoker;
  private final Delivery delivery;
  private final Loop loop;
  private final Consumer<Set<TopicPartition>> pauser;
  private final Clock clock;
  private final RetryPolicy retry;
  private final ResultRecords records;
  private final int maxInFlight;
  private final int maxUnacknowledged;
  private final int pauseAbove;

  private final DispatchQueue<Work> queue;
  private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
  private final Set<Work> waitingToRetry = new HashSet<>();
  private final Set<TopicPartition> paused = new HashSet<>();
  private final Set<TopicPartition> revoking = new HashSet<>(); // draining: nothing new starts
  private final Map<TopicPartition, Integer> active = new HashMap<>(); // dispatched, not finished
  private int unacknowledged; // handed to the delivery (lane released) and not yet acknowledged
  // Completions (invocation outcomes, write acknowledgements) come back to the loop from other threads.
  private final Mailbox<Runnable> inbox;
  private final List<IdleListener> idleListeners = new ArrayList<>();
  /** Result and dead-letter topic per source topic: built once, not per event. */
  private final Map<String, Destinations> destinations = new HashMap<>();
  private boolean windowTimerSet;
  private long windowOpenedMs = -1;
  private boolean stopping;
  BindingObserver observer = BindingObserver.NONE; // set before the first record: dispatches, outcomes, retries

  Dispatcher(FunctionDefinition function, ResultRecords records, Invoker invoker, Delivery delivery, Loop loop,
             Consumer<Set<TopicPartition>> pauser, RetryPolicy retry, Clock clock) {
    this.function = function;
    this.settings = function.delivery();
    this.records = records;
    this.invoker = invoker;
    this.delivery = delivery;
    this.loop = loop;
    this.pauser = pauser;
    this.retry = retry;
    this.clock = clock;
    this.maxInFlight = settings.effectiveMaxInFlight(function.limits().concurrency());
    // Results handed to the producer and not yet acknowledged hold no lane, but they hold memory and
    // their offsets: bound them too, generously, so that the broker's round trip never throttles dispatch.
    this.maxUnacknowledged = Math.max(2_000, 8 * maxInFlight);
    this.inbox = new Mailbox<>(task -> loop.schedule(0, task), Runnable::run);
    // Per partition, enough buffered work to keep the in-flight window full, and no more: memory
    // stays bounded by (this + one poll) per partition whatever the lag.
    this.pauseAbove = Math.max(200, 2 * Math.max(maxInFlight, settings.batch().size()));
    this.queue = new DispatchQueue<>(settings.ordering(), new DispatchQueue.Lanes<>() {
      @Override public Object partition(Work w) { return w.partition; }
      @Override public Object key(Work w) { return w.key(); }
      @Override public long bytes(Work w) { return w.bytes(); }
    });
  }

  // ---- partitions

  void assigned(Collection<TopicPartition> parts, long epoch) {
    revoking.removeAll(parts);
    for (TopicPartition tp : parts) {
      queue.dropQueued(tp); // a rewind reassigns: what was queued will be polled again
      partitions.put(tp, new PartitionState(epoch, new OffsetTracker()));
    }
    abandonRetries(parts);
    updatePause();
  }

  /** Stops dispatching {@code parts}: their queued records and pending retries are dropped uncommitted. */
  void revoked(Collection<TopicPartition> parts) {
    revoking.addAll(parts);
    parts.forEach(queue::dropQueued);
    abandonRetries(parts);
    updatePause();
  }

  /** After {@link #revoked}: forgets them, so that late results are dropped. */
  void released(Collection<TopicPartition> parts) {
    revoking.removeAll(parts);
    parts.forEach(partitions::remove);
  }

  /** Records of {@code parts} dispatched and not yet finished. */
  int inFlight(Collection<TopicPartition> parts) {
    return parts.stream().mapToInt(tp -> active.getOrDefault(tp, 0)).sum();
  }

  /** Records dispatched and not finished: running, waiting to retry, or written and not yet acknowledged. */
  int inFlight() {
    return active.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Runs {@code listener} once nothing of {@code parts} (null: of any partition) is in flight; at once if nothing is. */
  void whenIdle(Collection<TopicPartition> parts, Runnable listener) {
    idleListeners.add(new IdleListener(parts == null ? null : Set.copyOf(parts), listener));
    checkIdle();
  }

  private record IdleListener(Set<TopicPartition> parts, Runnable listener) {}

  /** Dispatches nothing more; what is in flight still finishes and is committed, pending retries are dropped. */
  void stop() {
    stopping = true;
    revoked(new ArrayList<>(partitions.keySet()));
  }

  // ---- records

  /**
   * Queues records polled when the poller's epoch counter was {@code pollEpoch}. A partition's epoch
   * is the counter's value when it was last (re)assigned; a rebalance that leaves a partition where
   * it is (cooperative rebalancing, e.g. the group re-forming after a broker restart) does not
   * change it, so its records keep flowing. A record polled before its partition's latest
   * (re)assignment is stale and dropped.
   */
  void offer(List<ConsumerRecord<byte[], byte[]>> polled, long pollEpoch) {
    var now = clock.instant();
    for (ConsumerRecord<byte[], byte[]> r : polled) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      PartitionState state = partitions.get(tp);
      if (state == null || state.epoch() > pollEpoch || stopping || revoking.contains(tp)) {
        continue; // no longer ours: the next owner (or our restart) consumes it from the committed offset
      }
      Work w = new Work(r, tp, state.epoch(), now);
      state.tracker().begin(r.offset());
      queue.add(w);
    }
    updatePause();
    pump();
  }

  /** The record's partition is still ours in the record's epoch: its result may be committed. */
  private boolean current(Work w) {
    PartitionState state = partitions.get(w.partition);
    return state != null && state.epoch() == w.epoch;
  }

  /** Draining (stop or revoke): a failed record is left to the next owner rather than retried. */
  private boolean draining(Work w) {
    return stopping || revoking.contains(w.partition);
  }

  private void pump() {
    var batch = settings.batch();
    while (!stopping && queue.inFlight() < maxInFlight && unacknowledged < maxUnacknowledged && queue.buffered() > 0) {
      if (batch.batched() && queue.available() < batch.size() && !windowClosed()) {
        return;
      }
      List<Work> unit = queue.next(Math.min(batch.size(), maxInFlight - queue.inFlight()), batch.maxBytes());
      if (unit.isEmpty()) {
        return;
      }
      windowOpenedMs = -1;
      unit.forEach(w -> active.merge(w.partition, 1, Integer::sum));
      run(unit);
    }
  }

  /** A partial batch waits batch_window_ms from when it was first seen, then goes as it is. */
  private boolean windowClosed() {
    long now = clock.millis();
    if (windowOpenedMs < 0) {
      windowOpenedMs = now;
    }
    long left = windowOpenedMs + settings.batch().windowMs() - now;
    if (left <= 0) {
      return true;
    }
    if (!windowTimerSet) {
      windowTimerSet = true;
      loop.schedule(left, () -> {
        windowTimerSet = false;
        pump();
      });
    }
    return false;
  }

  private void run(List<Work> unit) {
    List<Event> events = new ArrayList<>(unit.size());
    for (Work w : unit) {
      w.attempts++;
      events.add(Events.of(w.record));
    }
    CallMode mode = settings.batch().batched() ? CallMode.BATCH : CallMode.EACH;
    observer.dispatched(unit.size());
    invoker.invoke(events, mode).whenComplete((outcomes, e) -> inbox.post(() -> outcomes(unit, outcomes)));
  }

  private void outcomes(List<Work> unit, List<InvocationOutcome> outcomes) {
    List<Work> again = new ArrayList<>();
    long delay = 0;
    for (int i = 0; i < unit.size(); i++) {
      Work w = unit.get(i);
      InvocationOutcome o = outcomes.get(i);
      observer.invoked(o, w.queued(o.timings(), clock.instant()));
      if (!current(w)) {
        finish(w, false);
        continue;
      }
      if (behindARetry(w, again)) {
        // A later record of a retrying record's lane (same batch) must not finish before it, whatever
        // its own outcome: it runs again after it, in order, and this run does not count as an attempt.
        w.attempts--;
        again.add(w);
        continue;
      }
      Decision d = retry.decide(o, w.attempts, w.record.timestamp(), clock.instant());
      if (d instanceof Decision.Retry && draining(w)) {
        finish(w, false);
      } else if (d instanceof Decision.Retry r) {
        if (w.firstFailure == null) {
          w.firstFailure = clock.instant();
        }
        again.add(w);
        observer.retried();
        delay = Math.max(delay, r.delayMs());
      } else {
        emit(w, o, d instanceof Decision.DeadLetter dl ? w.failure(o, function.name(), function.limits().timeoutMs(), dl.reason()) : null, 0);
      }
    }
    if (!again.isEmpty()) {
      waitingToRetry.addAll(again);
      loop.schedule(delay, () -> retryNow(again));
    }
    pump(); // the emitted records' lanes are free
  }

  private boolean behindARetry(Work w, List<Work> again) {
    for (Work earlier : again) {
      if (queue.sameLane(earlier, w)) {
        return true;
      }
    }
    return false;
  }

  private void retryNow(List<Work> again) {
    List<Work> live = new ArrayList<>();
    for (Work w : again) {
      if (waitingToRetry.remove(w)) {
        live.add(w); // not abandoned by a revoke meanwhile
      }
    }
    if (!live.isEmpty()) {
      run(live);
    }
  }

  private void abandonRetries(Collection<TopicPartition> parts) {
    List<Work> gone = waitingToRetry.stream().filter(w -> parts.contains(w.partition)).toList();
    gone.forEach(w -> {
      waitingToRetry.remove(w);
      finish(w, false);
    });
  }

  /**
   * Hands the record's emission to the delivery and releases its lane at once: the delivery writes
   * emissions in the order it gets them, so the next record of the lane may run while this result
   * is on its way to the broker. The offset is only marked done when the write is acknowledged; a
   * failed write is retried (its offset is not committed meanwhile), and only then can a later
   * record's result precede it on the result topic.
   */
  private void emit(Work w, InvocationOutcome o, DeadLetters.Failure failure, int attempt) {
    Destinations to = destinations.computeIfAbsent(w.record.topic(),
        topic -> new Destinations(function.resultTopicFor(topic), settings.deadLetterTopicFor(topic)));
    var subject = new ResultRecords.Subject(w.record, w.polledAt, w.attempts, to.results(), to.deadLetters(), failure);
    w.emitting(clock.instant(), failure == null ? null : failure.reason());
    var written = delivery.deliver(records.emission(subject, o));
    if (release(w)) {
      unacknowledged++;
      w.unacknowledged = true;
    }
    written.whenComplete((v, e) -> inbox.post(() -> {
      if (e == null) {
        finish(w, true);
      } else if (!current(w)) {
        finish(w, false);
      } else {
        long backoff = Math.min(30_000, 100L << Math.min(attempt, 8));
        log.warn("writing the result of {} failed (attempt {}), retrying in {} ms: {}", w, attempt + 1, backoff, e.toString());
        loop.schedule(backoff, () -> emit(w, o, failure, attempt + 1));
      }
    }));
  }

  /** The record's lane may hand out its next record; true the first time only. */
  private boolean release(Work w) {
    if (w.released) {
      return false;
    }
    w.released = true;
    queue.done(w);
    return true;
  }

  private void finish(Work w, boolean delivered) {
    release(w);
    if (w.unacknowledged) {
      w.unacknowledged = false;
      unacknowledged--;
    }
    PartitionState state = partitions.get(w.partition);
    active.computeIfPresent(w.partition, (tp, n) -> n > 1 ? n - 1 : null);
    if (delivered && state != null && state.epoch() == w.epoch) {
      state.tracker().complete(w.record.offset()).ifPresent(next -> delivery.committable(w.partition, next));
      var now = clock.instant();
      observer.completed(w.deadLetterReason, w.sinceEvent(now), w.publishing(now));
    } // an undelivered record stays pending: the committed prefix never passes it
    updatePause();
    pump();
    checkIdle();
  }

  private void checkIdle() {
    if (idleListeners.isEmpty()) {
      return;
    }
    List<IdleListener> idle = idleListeners.stream()
        .filter(l -> (l.parts() == null ? inFlight() : inFlight(l.parts())) == 0).toList();
    idleListeners.removeAll(idle);
    idle.forEach(l -> l.listener().run());
  }

  /** Runs after every batch of outcomes, so it allocates nothing unless the paused set changes. */
  private void updatePause() {
    boolean changed = paused.retainAll(partitions.keySet());
    for (TopicPartition tp : partitions.keySet()) {
      int buffered = queue.buffered(tp);
      boolean pause = buffered >= pauseAbove || (paused.contains(tp) && buffered > pauseAbove / 2);
      changed |= pause ? paused.add(tp) : paused.remove(tp);
    }
    if (changed) {
      pauser.accept(Set.copyOf(paused));
    }
  }

  /** Records polled and not yet dispatched, for status and tests. */
  int buffered() {
    return queue.buffered();
  }

  private record Destinations(String results, String deadLetters) {}
}
