package dev.sockeye.bench;

import dev.sockeye.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one scenario's results (skipping the warm-up ones) into a latency histogram and a rate, and
 * splits each latency by the timings the result carries: input timestamp to poll (producer linger,
 * broker, fetch), poll to the handler's start (queues, batch window), and the rest (the invocation and
 * building the result).
 */
record BenchRun(int results, double eventsPerSecond, Histogram latencyMs, Histogram toPollMs, Histogram queuedMs, Histogram runMs) {
  static String header() {
    return String.format("%-10s %6s %-14s %8s %8s %10s %9s %9s   %s", "ordering", "batch", "delivery", "paced", "events", "events/s", "p50 ms",
        "p99 ms", "p50/p99 ms of: to-poll  queued  run");
  }

  String row(String ordering, int batch, String delivery, int rate) {
    return String.format("%-10s %6d %-14s %8s %8d %10.0f %9.1f %9.1f   %19s %7s %5s", ordering, batch, delivery, rate > 0 ? rate + "/s" : "-",
        results, eventsPerSecond, latencyMs.getValueAtPercentile(50) / 1.0, latencyMs.getValueAtPercentile(99) / 1.0,
        split(toPollMs), split(queuedMs), split(runMs));
  }

  private static String split(Histogram h) {
    return h.getValueAtPercentile(50) + "/" + h.getValueAtPercentile(99);
  }

  static void awaitResults(String bootstrap, String topic, int count, boolean readCommitted) {
    read(bootstrap, topic, count, readCommitted, 0);
  }

  /** Results after the warm-up ones: latency from the input's timestamp to the result's. */
  static BenchRun measure(String bootstrap, String topic, int count, boolean readCommitted) {
    return read(bootstrap, topic, count, readCommitted, 20);
  }

  private static BenchRun read(String bootstrap, String topic, int count, boolean readCommitted, int skip) {
    Map<String, Object> c = KafkaClients.consumerConfig(dev.sockeye.kafka.KafkaConnection.of(bootstrap), null, "bench-reader");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
    Histogram h = new Histogram(3_600_000L, 3);
    Histogram toPoll = new Histogram(3_600_000L, 3);
    Histogram queued = new Histogram(3_600_000L, 3);
    Histogram run = new Histogram(3_600_000L, 3);
    int seen = 0;
    long first = Long.MAX_VALUE;
    long last = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (seen < skip + count && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (seen++ < skip) {
            continue;
          }
          var result = dev.sockeye.schemas.codec.AvroBytes.RESULT.decode(r.value());
          first = Math.min(first, result.getTimestamp());
          last = Math.max(last, r.timestamp());
          long latency = Math.max(0, r.timestamp() - result.getTimestamp());
          h.recordValue(latency);
          var t = result.getTimings();
          toPoll.recordValue(Math.max(0, latency - t.getTotalUs() / 1000));
          queued.recordValue(t.getQueuedUs() / 1000);
          run.recordValue(Math.max(0, t.getTotalUs() - t.getQueuedUs()) / 1000);
        }
      }
    }
    int n = Math.max(0, seen - skip);
    return new BenchRun(n, n / Math.max(0.001, (last - first) / 1000.0), h, toPoll, queued, run);
  }
}
