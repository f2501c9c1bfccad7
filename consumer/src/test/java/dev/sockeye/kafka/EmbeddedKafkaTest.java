package dev.sockeye.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {
  @TempDir Path dir;

  @Test
  void restartOnTheSameDirectoryKeepsTheRecords() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0);
        var producer = new KafkaProducer<byte[], byte[]>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(kafka.bootstrapServers()), "t"))) {
      producer.send(new ProducerRecord<>("kept", 0, null, "one".getBytes())).get();
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      var records = TopicReader.read(dev.sockeye.kafka.KafkaConnection.of(kafka.bootstrapServers()), List.of("kept"), 1, Duration.ofSeconds(30), false);
      assertEquals(1, records.size());
      assertArrayEquals("one".getBytes(), records.get(0).value());
    }
  }
}
