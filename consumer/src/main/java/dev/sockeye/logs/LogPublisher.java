package dev.sockeye.logs;

import dev.sockeye.control.ControlTopics;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.executor.logs.HandlerOutput;
import dev.sockeye.executor.logs.OutputSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes handler output to {@link ControlTopics#LOGS}, keyed by function. {@link #accept} never blocks: records
 * wait in a queue bounded by their size ({@link #MAX_QUEUED_BYTES}); past it they are dropped and counted (a
 * handler printing faster than Kafka takes it loses lines, never the service's memory or latency).
 *
 * <p>Threads: any thread may call accept; the thread {@code sockeye-logs} owns the producer and the queue's
 * consuming end. close() is idempotent.
 */
public final class LogPublisher implements OutputSink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogPublisher.class);
  static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;

  private final LinkedBlockingQueue<HandlerOutput> queue = new LinkedBlockingQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final KafkaProducer<byte[], byte[]> producer;
  private final Thread thread;

  public LogPublisher(dev.sockeye.kafka.KafkaConnection kafka) {
    this.producer = new KafkaProducer<>(config(kafka));
    this.thread = new Thread(this::run, "sockeye-logs");
    thread.setDaemon(true);
    thread.start();
  }

  /** Logs are best effort: no idempotence or all-replica acks; batched a little to spare the broker. */
  private static Map<String, Object> config(dev.sockeye.kafka.KafkaConnection kafka) {
    Map<String, Object> c = KafkaClients.producerConfig(kafka, "sockeye-logs");
    c.put(ProducerConfig.ACKS_CONFIG, "1");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    c.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    c.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 16L * 1024 * 1024);
    c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return c;
  }

  @Override
  public void accept(HandlerOutput output) {
    long weight = LogRecords.weight(output);
    if (closed.get() || queuedBytes.addAndGet(weight) > MAX_QUEUED_BYTES) {
      queuedBytes.addAndGet(-weight);
      dropped.incrementAndGet();
      return;
    }
    queue.add(output);
  }

  /** Records dropped because the queue was full (or the publisher closed). */
  public long dropped() {
    return dropped.get();
  }

  private void run() {
    long reportedDrops = 0;
    while (!closed.get() || !queue.isEmpty()) {
      HandlerOutput next;
      try {
        next = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      if (next == null) {
        continue;
      }
      queuedBytes.addAndGet(-LogRecords.weight(next));
      try {
        byte[] key = next.origin().function().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(ControlTopics.LOGS, key, AvroBytes.LOG.encode(LogRecords.toAvro(next))));
      } catch (RuntimeException e) {
        dropped.incrementAndGet();
      }
      long drops = dropped.get();
      if (drops > reportedDrops) {
        LOG.warn("{} handler log records dropped so far (publishing fell behind)", drops);
        reportedDrops = drops;
      }
    }
  }

  /** Publishes what is queued (up to 10 s), then closes the producer. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
