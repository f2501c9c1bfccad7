package dev.sockeye.binding.transaction;

import dev.sockeye.binding.Delivery;
import dev.sockeye.binding.Emission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once delivery. Emissions and committable offsets are staged; the thread
 * "sockeye-txn-<group>", the only user of the transactional producer, writes what is staged in one
 * transaction every {@code lingerMs}: the records, then {@code sendOffsetsToTransaction} with the
 * consumer's group metadata (so a zombie of an older generation is fenced), then the commit.
 * Staged records always precede the offsets that cover them, so a committed transaction never
 * claims an input whose result it does not hold; and an input's records are written only in the
 * transaction that commits its offset, so a crash can never leave a committed result whose input is
 * consumed again. (Results complete out of order, in key ordering or with several batches in flight;
 * those past the contiguous committable prefix wait, staged, for a later transaction.)
 *
 * <p>When a transaction fails it is aborted (or the producer replaced when it is fenced) and
 * {@code onAbort} runs: the binding rewinds its partitions to the committed offsets, so the aborted
 * inputs run again and read_committed readers see their results once.
 *
 * <p>Thread-safety: {@code staged}, {@code offsets} and {@code waiters} are guarded by {@code lock};
 * the producer is confined to the transaction thread.
 */
public final class TransactionalDelivery implements Delivery {
  private static final Logger log = LoggerFactory.getLogger(TransactionalDelivery.class);

  private final Supplier<Producer<byte[], byte[]>> producers;
  private final Supplier<ConsumerGroupMetadata> groupMetadata;
  private final Runnable onAbort;
  private final long lingerMs;
  private final int maxResultBytes;
  private final Thread thread;
  private final AtomicBoolean running = new AtomicBoolean(true);

  private final Object lock = new Object();
  /** An input's records, waiting for a transaction that commits the input's offset. */
  private record Staged(TopicPartition source, long offset, List<ProducerRecord<byte[], byte[]>> records) {}

  private List<Staged> staged = new ArrayList<>(); // guarded by lock
  private Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(); // guarded by lock
  private List<CompletableFuture<Void>> waiters = new ArrayList<>(); // guarded by lock
  private Producer<byte[], byte[]> producer; // transaction thread only
  private volatile dev.sockeye.binding.BindingObserver observer = dev.sockeye.binding.BindingObserver.NONE;

  /**
   * @param producers makes a transactional producer and initialises its transactions; called on the transaction thread
   * @param groupMetadata the binding consumer's latest group metadata
   * @param maxResultBytes a result larger than this is dead-lettered instead (a refused send would abort the whole transaction)
   */
  public TransactionalDelivery(String name, Supplier<Producer<byte[], byte[]>> producers, Supplier<ConsumerGroupMetadata> groupMetadata,
                               Runnable onAbort, long lingerMs, int maxResultBytes) {
    this.producers = producers;
    this.groupMetadata = groupMetadata;
    this.onAbort = onAbort;
    this.lingerMs = lingerMs;
    this.maxResultBytes = maxResultBytes;
    this.thread = new Thread(this::loop, "sockeye-txn-" + name);
    thread.start();
  }

  /** Reports each transaction's end, and each producer made, to {@code o} from now on. */
  public void observe(dev.sockeye.binding.BindingObserver o) {
    this.observer = o;
  }

  @Override
  public CompletableFuture<Void> deliver(Emission e) {
    if (e.result().value().length > maxResultBytes && e.whenResultTooLarge() != null) {
      e = e.whenResultTooLarge().get();
    }
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(3);
    records.add(e.result());
    if (e.deadLetterOrNull() != null) {
      records.add(e.deadLetterOrNull());
    }
    records.add(e.metric().apply(0));
    synchronized (lock) {
      staged.add(new Staged(e.source(), e.offset(), records));
    }
    return CompletableFuture.completedFuture(null); // staged: the transaction carries it
  }

  @Override
  public void committable(TopicPartition tp, long nextOffset) {
    synchronized (lock) {
      offsets.merge(tp, new OffsetAndMetadata(nextOffset), (a, b) -> a.offset() >= b.offset() ? a : b);
    }
  }

  @Override
  public void forget(java.util.Collection<TopicPartition> partitions) {
    synchronized (lock) {
      staged.removeIf(st -> partitions.contains(st.source()));
      partitions.forEach(offsets::remove);
    }
  }

  @Override
  public CompletableFuture<Void> flush() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    synchronized (lock) {
      waiters.add(f);
      lock.notifyAll();
    }
    return f;
  }

  private void loop() {
    try {
      while (running.get() || hasWork()) {
        runOnce();
      }
    } finally {
      closeProducer();
      List<CompletableFuture<Void>> left;
      synchronized (lock) {
        left = waiters;
        waiters = new ArrayList<>();
      }
      left.forEach(f -> f.complete(null));
    }
  }

  /** While closing: only what a transaction can still carry counts (uncovered inputs are never written). */
  private boolean hasWork() {
    synchronized (lock) {
      return !offsets.isEmpty() || !waiters.isEmpty();
    }
  }

  /** Waits up to the linger time for work, then commits what is staged in one transaction. */
  void runOnce() {
    List<ProducerRecord<byte[], byte[]>> records;
    Map<TopicPartition, OffsetAndMetadata> commit;
    List<CompletableFuture<Void>> done;
    synchronized (lock) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMs);
      long left;
      while (running.get() && waiters.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          running.set(false);
        }
      }
      commit = offsets;
      records = new ArrayList<>();
      List<Staged> later = new ArrayList<>();
      for (Staged st : staged) {
        OffsetAndMetadata covered = commit.get(st.source());
        if (covered != null && st.offset() < covered.offset()) {
          records.addAll(st.records());
        } else {
          later.add(st); // its offset is not committable yet: writing it now could duplicate it after a crash
        }
      }
      done = waiters;
      staged = later;
      offsets = new HashMap<>();
      waiters = new ArrayList<>();
    }
    if (!records.isEmpty() || !commit.isEmpty()) {
      transact(records, commit);
    }
    done.forEach(f -> f.complete(null));
  }

  private void transact(List<ProducerRecord<byte[], byte[]>> records, Map<TopicPartition, OffsetAndMetadata> commit) {
    try {
      if (producer == null) {
        producer = producers.get();
        observer.producerCreated(producer);
      }
      producer.beginTransaction();
      records.forEach(producer::send);
      if (!commit.isEmpty()) {
        producer.sendOffsetsToTransaction(commit, groupMetadata.get());
      }
      producer.commitTransaction();
      observer.transaction(true);
    } catch (RuntimeException e) {
      log.warn("transaction of {} records and offsets {} failed; aborting and rewinding to the committed offsets: {}",
          records.size(), commit, e.toString());
      abort();
      observer.transaction(false);
      onAbort.run();
    }
  }

  private void abort() {
    try {
      if (producer != null) {
        producer.abortTransaction();
      }
    } catch (RuntimeException e) { // fenced or fatal: only a new producer can go on
      closeProducer();
    }
  }

  private void closeProducer() {
    if (producer != null) {
      try {
        producer.close(java.time.Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("close transactional producer: {}", e.toString());
      }
      producer = null;
    }
  }

  /** Commits what is staged, stops the thread and closes the producer. Idempotent; blocks up to 30 s. */
  @Override
  public void close() {
    if (running.compareAndSet(true, false)) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
