package dev.sockeye.binding;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the KafkaConsumer of one binding. It runs only on its own thread, "poll-<group>"; other
 * threads post commit and pause requests, which it applies between polls. On revocation it commits
 * what is committable for the revoked partitions before they move.
 */
final class Poller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);

  private final Consumer<byte[], byte[]> consumer;
  private final List<String> topics;
  private final PollerSink sink;
  private final Thread thread;
  private final Map<TopicPartition, OffsetAndMetadata> toCommit = new ConcurrentHashMap<>();
  private final AtomicBoolean pauseWanted = new AtomicBoolean();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicBoolean started = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private long epoch; // owned by the poll thread

  Poller(Consumer<byte[], byte[]> consumer, List<String> topics, String group, PollerSink sink) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
    this.sink = sink;
    this.thread = new Thread(this::loop, "poll-" + group);
  }

  void start() {
    started.set(true);
    thread.start();
  }

  /** From any thread: commit {@code offset} (the next to consume) for {@code tp} at the next chance. */
  void commit(TopicPartition tp, long offset) {
    toCommit.merge(tp, new OffsetAndMetadata(offset), (a, b) -> a.offset() >= b.offset() ? a : b);
  }

  /** From any thread: stop or restart fetching from every assigned partition. */
  void pause(boolean pause) {
    pauseWanted.set(pause);
  }

  private void loop() {
    try {
      consumer.subscribe(topics, new Rebalance());
      while (running.get()) {
        runOnce();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("poller of {} failed: {}", topics, e.toString(), e);
    } finally {
      commitSync(new ArrayList<>(toCommit.keySet()));
      consumer.close(Duration.ofSeconds(5));
      stopped.countDown();
    }
  }

  void runOnce() {
    applyPause();
    commitAsync();
    var records = consumer.poll(Duration.ofMillis(100));
    if (!records.isEmpty()) {
      List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
      records.forEach(list::add);
      sink.records(list, epoch);
    }
  }

  private void applyPause() {
    if (pauseWanted.get()) {
      consumer.pause(consumer.assignment()); // includes partitions assigned since the last pause
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  private void commitAsync() {
    toCommit.keySet().retainAll(consumer.assignment()); // a late result of a partition that moved away
    Map<TopicPartition, OffsetAndMetadata> batch = drain(new ArrayList<>(toCommit.keySet()));
    if (!batch.isEmpty()) {
      consumer.commitAsync(batch, (offsets, e) -> {
        if (e != null) {
          log.warn("commit {} failed, will retry: {}", offsets, e.toString());
          offsets.forEach(this::requeue);
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

  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      sink.revoked(partitions);
      commitSync(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      sink.revoked(partitions);
      partitions.forEach(toCommit::remove); // another member owns them already: committing would fail
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      epoch++;
      sink.assigned(partitions, epoch);
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
