package dev.sockeye.replay;

import dev.sockeye.binding.Bounded;
import dev.sockeye.executor.InvocationOutcome;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;

/**
 * A replay's counts: inputs delivered, by status, and dead letters; and which partitions are done.
 * The binding's event loop writes (through {@link Bounded.Observer}); the reporter thread and the
 * command read. Counters are adders, the done set a concurrent one: no lock.
 */
final class Progress implements Bounded.Observer {
  /** Result statuses, in the order the summary lists them. */
  enum Status { OK, ERROR, TIMEOUT, OOM, REJECTED }

  /** The counts at one moment. */
  record Snapshot(long done, long total, Map<Status, Long> byStatus, long deadLetters, long elapsedMs) {
    long count(Status s) {
      return byStatus.getOrDefault(s, 0L);
    }
  }

  private final long total;
  private final long alreadyDone;
  private final Set<TopicPartition> partitions;
  private final Clock clock;
  private final long startMs;
  private final Map<Status, LongAdder> byStatus = new EnumMap<>(Status.class);
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final Set<TopicPartition> done = ConcurrentHashMap.newKeySet();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();

  /** {@code alreadyDone}: what earlier runs of this replay committed. */
  Progress(long total, long alreadyDone, Set<TopicPartition> partitions, Clock clock) {
    this.total = total;
    this.alreadyDone = alreadyDone;
    this.partitions = Set.copyOf(partitions);
    this.clock = clock;
    this.startMs = clock.millis();
    for (Status s : Status.values()) {
      byStatus.put(s, new LongAdder());
    }
    if (this.partitions.isEmpty()) {
      finished.complete(null);
    }
  }

  @Override
  public void delivered(TopicPartition consumed, long offset, InvocationOutcome outcome, boolean deadLettered) {
    delivered.increment();
    byStatus.get(status(outcome)).increment();
    if (deadLettered) {
      deadLetters.increment();
    }
  }

  /** A dead letter was copied back to its source ({@code --redrive-to-source}): counted as OK. */
  void redriven(TopicPartition tp) {
    delivered.increment();
    byStatus.get(Status.OK).increment();
  }

  @Override
  public void partitionDone(TopicPartition tp) {
    done.add(tp);
    if (done.containsAll(partitions)) {
      finished.complete(null);
    }
  }

  /** Completes once every partition's range is delivered. */
  CompletableFuture<Void> finished() {
    return finished;
  }

  /** Counts dead letters written outside the binding (malformed file lines while staging). */
  void addDeadLetters(long n) {
    deadLetters.add(n);
  }

  Snapshot snapshot() {
    Map<Status, Long> counts = new EnumMap<>(Status.class);
    byStatus.forEach((s, a) -> counts.put(s, a.sum()));
    return new Snapshot(Math.min(total, alreadyDone + delivered.sum()), total, counts, deadLetters.sum(), clock.millis() - startMs);
  }

  /** Inputs delivered by this run (not counting earlier runs of the replay). */
  long deliveredNow() {
    return delivered.sum();
  }

  static Status status(InvocationOutcome o) {
    if (o instanceof InvocationOutcome.Succeeded) {
      return Status.OK;
    }
    if (o instanceof InvocationOutcome.TimedOut) {
      return Status.TIMEOUT;
    }
    if (o instanceof InvocationOutcome.OutOfMemory) {
      return Status.OOM;
    }
    if (o instanceof InvocationOutcome.Rejected) {
      return Status.REJECTED;
    }
    return Status.ERROR;
  }
}
