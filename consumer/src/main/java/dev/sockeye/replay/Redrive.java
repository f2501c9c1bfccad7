package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.binding.Bounded;
import dev.sockeye.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code --redrive-to-source}: re-produces dead letters to their original topic and partition, with
 * their original key, value and headers (plus {@code sockeye.redriven_from}), so the live binding
 * runs them again. At-least-once and resumable: the replay group commits a dead letter's offset
 * only after its copy is acknowledged. Runs on the calling thread, which owns both clients;
 * {@link #stop()} may be called from any thread.
 */
final class Redrive {
  static final String REDRIVEN_FROM = "sockeye.redriven_from";

  private final KafkaConnection connection;
  private final AtomicBoolean running = new AtomicBoolean(true);

  Redrive(KafkaConnection connection) {
    this.connection = connection;
  }

  void run(ReplayPlan plan, Bounded.Throttle throttle, Progress progress) throws Exception {
    var consumerConfig = KafkaClients.consumerConfig(connection, plan.group(), "sockeye-redrive-" + plan.name());
    try (var consumer = new KafkaConsumer<byte[], byte[]>(consumerConfig);
         var producer = new KafkaProducer<byte[], byte[]>(KafkaClients.producerConfig(connection, "sockeye-redrive"))) {
      Set<TopicPartition> parts = plan.ranges().keySet();
      consumer.assign(parts);
      Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(parts, Duration.ofSeconds(30));
      for (TopicPartition tp : parts) {
        OffsetAndMetadata o = committed.get(tp);
        consumer.seek(tp, Math.max(plan.ranges().get(tp).from(), o == null ? 0 : o.offset()));
      }
      Set<TopicPartition> open = new HashSet<>(parts);
      while (running.get() && !open.isEmpty()) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        List<TopicPartition> copied = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= plan.ranges().get(tp).to()) {
            continue;
          }
          throttle.acquire(1);
          sent.add(producer.send(copy(r)));
          copied.add(tp);
          commit.put(tp, new OffsetAndMetadata(r.offset() + 1));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          f.get(); // a failed copy fails the redrive before its offset is committed
        }
        if (!commit.isEmpty()) {
          consumer.commitSync(commit, Duration.ofSeconds(30));
        }
        copied.forEach(progress::redriven);
        for (TopicPartition tp : new ArrayList<>(open)) {
          if (consumer.position(tp) >= plan.ranges().get(tp).to()) {
            open.remove(tp);
            progress.partitionDone(tp);
          }
        }
      }
    }
  }

  /** The dead letter as it was before it failed, addressed to where it came from. */
  static ProducerRecord<byte[], byte[]> copy(ConsumerRecord<byte[], byte[]> dead) {
    String topic = Restore.header(dead, dev.sockeye.binding.deadletter.DeadLetters.TOPIC);
    String partition = Restore.header(dead, dev.sockeye.binding.deadletter.DeadLetters.PARTITION);
    if (topic == null || topic.isEmpty()) {
      throw new IllegalStateException(dead.topic() + "-" + dead.partition() + "-" + dead.offset()
          + " has no sockeye.original.topic header: it is not a Sockeye dead letter and cannot be redriven");
    }
    Integer p = partition == null || partition.isEmpty() ? null : Integer.valueOf(partition);
    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(topic, p, dead.key(), dead.value(), Restore.originalHeaders(dead));
    pr.headers().add(REDRIVEN_FROM, (dead.topic() + "-" + dead.partition() + "-" + dead.offset()).getBytes(StandardCharsets.UTF_8));
    return pr;
  }

  void stop() {
    running.set(false);
  }
}
