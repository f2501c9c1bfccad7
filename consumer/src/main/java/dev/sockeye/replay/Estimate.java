package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.codec.AvroBytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A dry run's time estimate: {@code --rate} when given; otherwise the function's recent run time
 * per invocation (the last metrics on {@code sockeye.metrics}) spread over its concurrency and batch
 * size. A rough guide, and said to be one. Blocking; stateless.
 */
final class Estimate {
  private static final int TAIL = 2_000;

  /** Events/s and where the number comes from; {@code perSecond} 0 when unknown. */
  record Rate(double perSecond, String basis) {}

  private Estimate() {}

  static Rate of(KafkaConnection connection, FunctionDefinition f, double limit) {
    Rate measured = fromMetrics(connection, f);
    if (limit > 0 && (measured.perSecond() == 0 || limit < measured.perSecond())) {
      return new Rate(limit, "--rate");
    }
    return measured;
  }

  private static Rate fromMetrics(KafkaConnection connection, FunctionDefinition f) {
    List<Long> runUs = new ArrayList<>();
    try (var consumer = new KafkaConsumer<byte[], byte[]>(KafkaClients.consumerConfig(connection, null, "sockeye-replay-estimate"))) {
      var infos = consumer.partitionsFor(ControlTopics.METRICS, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        return new Rate(0, "no metrics topic");
      }
      List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(ControlTopics.METRICS, i.partition())).toList();
      consumer.assign(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(10));
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, Duration.ofSeconds(10));
      parts.forEach(tp -> consumer.seek(tp, Math.max(begin.get(tp), end.get(tp) - TAIL)));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            InvocationMetric m = AvroBytes.METRIC.decode(r.value());
            if (m.getFunction().equals(f.name())) {
              runUs.add(Math.max(1, m.getTimings().getTotalUs() - m.getTimings().getQueuedUs()));
            }
          } catch (RuntimeException e) {
            // not a metric we can read: leave it out of the estimate
          }
        }
      }
    }
    if (runUs.isEmpty()) {
      return new Rate(0, "no recent invocations of " + f.name() + " on " + ControlTopics.METRICS);
    }
    double meanUs = runUs.stream().mapToLong(Long::longValue).average().orElse(1);
    int batch = Math.max(1, f.delivery().batch().size());
    double rate = f.limits().concurrency() * batch * 1e6 / meanUs;
    return new Rate(rate, "from " + f.name() + "'s last " + runUs.size() + " invocations (mean run " + Math.round(meanUs / 1000.0)
        + " ms, concurrency " + f.limits().concurrency() + ", batch " + batch + ")");
  }
}
