package dev.sockeye.cli;

import dev.sockeye.kafka.KafkaClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye produce}: sends JSON lines, one record per line. */
@Command(name = "produce", description = "Send JSON lines (from --file or stdin) to a topic, one record per line.")
final class ProduceCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", required = true)
  String topic;

  @Option(names = "--file", description = "A .jsonl file (default: stdin)")
  Path file;

  @Option(names = "--key-field", description = "Use this field of each JSON object as the record key")
  String keyField;

  @Override
  public Integer call() throws Exception {
    List<JsonLines.Line> lines;
    try (BufferedReader in = file != null
        ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
        : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      lines = JsonLines.read(in, file != null ? file.toString() : "stdin", keyField);
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producerConfig(kafka.resolve(), "sockeye-produce"))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (JsonLines.Line l : lines) {
        acks.add(producer.send(new ProducerRecord<>(topic, l.key(), l.value())));
      }
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
    }
    System.out.println("sent " + lines.size() + " records to " + topic);
    return 0;
  }
}
