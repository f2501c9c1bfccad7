package dev.sockeye.binding;

import dev.sockeye.function.StartPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the KafkaConsumer of one binding. It runs only on its own thread, "poll-<group>"; other
 * threads post commit, pause and rewind requests, which it applies between polls. On revocation it
 * asks the binding to drain the revoked partitions (up to {@code drainDeadline}), commits what is
 * committable, then lets them go. It publishes the consumer's group metadata for transactions.
 */
final class Poller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  /**
   * How often committable offsets are committed while running. Every commit is a write to
   * __consumer_offsets; committing on every poll (hundreds a second under load) cost the broker
   * more than the records themselves. A crash redelivers at most this much more; a revocation or
   * a stop still commits at once, synchronously.
   */
  static final long COMMIT_INTERVAL_MS = 100;

  /** What to subscribe to: a list of topics, or a pattern (which never matches Sockeye's own or result topics). */
  record Subscription(List<String> topics, String pattern) {}

  private final Consumer<byte[], byte[]> consumer;
  private final Subscription subscription;
  private final StartPosition start;
  private final Duration drainDeadline;
  private final PollerSink sink;
  private final Thread thread;
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new ConcurrentHashMap<>();
  private final AtomicReference<Set<TopicPartition>> pauseWanted = new AtomicReference<>(Set.of());
  private final AtomicBoolean pauseAll = new AtomicBoolean();
  private final AtomicBoolean rewindWanted = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile ConsumerGroupMetadata groupMetadata;
  private long epoch; // owned by the poll thread
  private int commitsFailing; // owned by the poll thread: failed commits in a row
  private long lastCommitNanos; // owned by the poll thread
  private BindingObserver observer = BindingObserver.NONE; // set before start
  private LagProbe lag; // owned by the poll thread; set before start

  Poller(Consumer<byte[], byte[]> consumer, Subscription subscription, String group, StartPosition start, Duration drainDeadline, PollerSink sink) {
    this.consumer = consumer;
    this.subscription = subscription;
    this.start = start;
    this.drainDeadline = drainDeadline;
    this.sink = sink;
    this.thread = new Thread(this::loop, "poll-" + group);
  }

  /** Before {@link #start()}: report rebalances and, every {@code every}, positions and lag to {@code o}. */
  void observe(BindingObserver o, java.time.Clock clock, Duration every) {
    this.observer = o;
    this.lag = new LagProbe(o, clock, every);
    o.consumerCreated(consumer);
  }

  void start() {
    started.set(true);
    thread.start();
  }

  /** From any thread: commit {@code offset} (the next to consume) for {@code tp} at the next chance. */
  void commit(TopicPartition tp, long offset) {
    toCommit.merge(tp, new OffsetAndMetadata(offset), (a, b) -> a.offset() >= b.offset() ? a : b);
  }

  /** From any thread: fetch nothing more from {@code partitions} until they are left out of a later call. */
  void pause(Set<TopicPartition> partitions) {
    pauseWanted.set(partitions);
  }

  /** From any thread: stop fetching from every partition (shutdown). */
  void pauseAll() {
    pauseAll.set(true);
  }

  /** From any thread: seek every partition back to its committed offset and start a new epoch (after an aborted transaction). */
  void rewind() {
    rewindWanted.set(true);
  }

  /** The consumer's group metadata as of the latest poll, for sendOffsetsToTransaction; null before the first. */
  ConsumerGroupMetadata groupMetadata() {
    return groupMetadata;
  }

  private void loop() {
    try {
      if (subscription.pattern() != null) {
        // Never follow our own output, or a pattern like "orders.*" would feed on orders.results.
        String p = "(?!sockeye\\.)(?!.*\\.(results|dlq)$)(?:" + subscription.pattern() + ")";
        consumer.subscribe(Pattern.compile(p), new Rebalance());
      } else {
        consumer.subscribe(subscription.topics(), new Rebalance());
      }
      while (running.get()) {
        try {
          runOnce();
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) { // a broker outage or a failed seek: survive and poll again
          log.warn("poll of {} failed, polling again: {}", subscription, e.toString());
          idle(Duration.ofMillis(500));
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("poller of {} failed: {}", subscription, e.toString(), e);
    } finally {
      commitSync(new ArrayList<>(toCommit.keySet()));
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  void runOnce() {
    if (rewindWanted.getAndSet(false)) {
      rewindToCommitted();
    }
    applyPause();
    commitAsync();
    var records = consumer.poll(Duration.ofMillis(100));
    groupMetadata = consumer.groupMetadata();
    if (!records.isEmpty()) {
      List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
      records.forEach(list::add);
      sink.records(list, epoch);
      if (lag != null) {
        lag.polled(list);
      }
    }
    if (lag != null) {
      lag.maybeReport(consumer);
    }
  }

  private void rewindToCommitted() {
    Set<TopicPartition> parts = consumer.assignment();
    seekToCommittedOrStart(parts);
    if (lag != null) {
      lag.forget(parts); // polled again from the committed offsets
    }
    epoch++;
    sink.assigned(parts, epoch);
  }

  private void seekToCommittedOrStart(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(parts), Duration.ofSeconds(30));
    Map<TopicPartition, Long> byTime = new HashMap<>();
    for (TopicPartition tp : parts) {
      OffsetAndMetadata o = committed.get(tp);
      if (o != null) {
        consumer.seek(tp, o);
      } else if (start.timestamp() != null) {
        byTime.put(tp, start.timestamp().toEpochMilli());
      } else if (start == StartPosition.LATEST || start.code().equals("latest")) {
        consumer.seekToEnd(List.of(tp));
      } else {
        consumer.seekToBeginning(List.of(tp));
      }
    }
    if (!byTime.isEmpty()) {
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(byTime, Duration.ofSeconds(30));
      byTime.keySet().forEach(tp -> {
        OffsetAndTimestamp at = found.get(tp);
        if (at != null) {
          consumer.seek(tp, at.offset());
        } else {
          consumer.seekToEnd(List.of(tp)); // nothing that recent yet: start at the end
        }
      });
    }
  }

  private void applyPause() {
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> want = new HashSet<>(pauseAll.get() ? assigned : pauseWanted.get());
    want.retainAll(assigned);
    Set<TopicPartition> resume = new HashSet<>(consumer.paused());
    resume.removeAll(want);
    if (!want.isEmpty()) {
      consumer.pause(want);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private void commitAsync() {
    long now = System.nanoTime();
    if (now - lastCommitNanos < COMMIT_INTERVAL_MS * 1_000_000L) {
      return;
    }
    lastCommitNanos = now;
    toCommit.keySet().retainAll(consumer.assignment()); // a late result of a partition that moved away
    Map<TopicPartition, OffsetAndMetadata> batch = drain(new ArrayList<>(toCommit.keySet()));
    if (!batch.isEmpty()) {
      consumer.commitAsync(batch, (offsets, e) -> { // called back on this thread, inside poll
        if (e != null) {
          if (commitsFailing++ == 0) { // once per outage, not every 100 ms while the broker is away
            log.warn("commit {} failed, retrying until it succeeds: {}", offsets, e.toString());
          }
          offsets.forEach(this::requeue);
        } else if (commitsFailing > 0) {
          log.info("commits succeed again after {} failed attempts", commitsFailing);
          commitsFailing = 0;
        }
      });
    }
  }

  private void commitSync(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> batch = drain(parts);
    if (!batch.isEmpty()) {
      try {
        consumer.commitSync(batch, Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        log.warn("commit {} failed; those records will be redelivered: {}", batch, e.toString());
      }
    }
  }

  private Map<TopicPartition, OffsetAndMetadata> drain(Collection<TopicPartition> parts) {
    Map<TopicPartition, OffsetAndMetadata> batch = new HashMap<>();
    for (TopicPartition tp : parts) {
      OffsetAndMetadata o = toCommit.remove(tp);
      if (o != null) {
        batch.put(tp, o);
      }
    }
    return batch;
  }

  private void requeue(TopicPartition tp, OffsetAndMetadata o) {
    toCommit.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b);
  }

  private static void idle(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // only on the poll thread, after a failure: do not spin against a dead broker
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final class Rebalance implements ConsumerRebalanceListener {
    /** Stop dispatching, drain with a deadline, commit, then release. */
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      try {
        sink.revoking(partitions).get(drainDeadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        log.warn("in-flight work of {} did not drain within {}; committing what is done", partitions, drainDeadline);
      } catch (Exception e) {
        log.warn("drain of {} failed: {}", partitions, e.toString());
      }
      commitSync(partitions);
      sink.released(partitions);
      forget(partitions);
    }

    private void forget(Collection<TopicPartition> partitions) {
      if (lag != null) {
        lag.forget(partitions);
      }
      observer.revoked(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      sink.revoking(partitions);
      sink.released(partitions);
      partitions.forEach(toCommit::remove); // another member owns them already: committing would fail
      forget(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      epoch++;
      if (start.timestamp() != null && !partitions.isEmpty()) {
        seekToCommittedOrStart(partitions);
      }
      sink.assigned(partitions, epoch);
      observer.assigned(partitions);
    }
  }

  /** Stops polling, commits what is committable, closes the consumer. Idempotent; blocks up to 15 s. */
  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      if (!started.get()) {
        consumer.close(Duration.ZERO);
        stopped.countDown();
        return;
      }
      consumer.wakeup();
    }
    try {
      stopped.await(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
