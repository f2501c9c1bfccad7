package dev.sockeye.cli;

import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.KafkaConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye results}: tails a result topic in readable form, without joining any group. */
@Command(name = "results", description = "Print the results on a result topic, one line each, from the beginning.")
final class ResultsCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", required = true)
  String topic;

  @Option(names = "--max", defaultValue = "-1", description = "Exit after this many results (default: follow until stopped)")
  long max;

  @Option(names = "--idle-exit-ms", defaultValue = "-1", description = "Exit when nothing arrives for this long (default: never)")
  long idleExitMs;

  @Override
  public Integer call() {
    KafkaConnection connection = kafka.connect();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumerConfig(connection, null, "sockeye-results-cli"))) {
      List<TopicPartition> parts = consumer.partitionsFor(topic, connection.timeout()).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long seen = 0;
      Instant lastSeen = Instant.now();
      while (max < 0 || seen < max) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          System.out.println(ResultFormat.line(r));
          lastSeen = Instant.now();
          if (++seen == max) {
            break;
          }
        }
        if (idleExitMs >= 0 && Duration.between(lastSeen, Instant.now()).toMillis() > idleExitMs) {
          break;
        }
      }
    }
    return 0;
  }
}
