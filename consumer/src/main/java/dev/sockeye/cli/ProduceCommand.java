package dev.sockeye.cli;

import dev.sockeye.kafka.KafkaCheck;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.kafka.KafkaConnection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sockeye produce}: sends JSON lines, one record per line, as JSON or converted to Avro. */
@Command(name = "produce", description = "Send JSON lines (from --file or stdin) to a topic, one record per line.")
final class ProduceCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;

  @Option(names = "--topic", required = true)
  String topic;

  @Option(names = "--file", description = "A .jsonl file (default: stdin)")
  Path file;

  @Option(names = "--key-field", description = "Use this field of each JSON object as the record key")
  String keyField;

  @Option(names = "--key", description = "The key of every record (UTF-8)")
  String key;

  @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A header on every record (repeatable; the value is UTF-8)")
  List<String> headers = new ArrayList<>();

  @Mixin ProduceFormat format;

  @Override
  public Integer call() throws Exception {
    if (key != null && keyField != null) {
      throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--key and --key-field: give one, not both");
    }
    List<Header> recordHeaders = headers();
    ProduceFormat.Encoder encoder = format.encoder();
    String source = file != null ? file.toString() : "stdin";
    List<JsonLines.Line> lines;
    try (BufferedReader in = file != null
        ? Files.newBufferedReader(file, StandardCharsets.UTF_8)
        : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      lines = JsonLines.read(in, source, keyField);
    }
    List<byte[]> values = new ArrayList<>(lines.size()); // every line converts before anything is sent
    for (JsonLines.Line l : lines) {
      values.add(encoder.encode(l, source));
    }
    byte[] fixedKey = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    KafkaConnection connection = kafka.connect();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.commandProducerConfig(connection, "sockeye-produce"))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        byte[] k = fixedKey != null ? fixedKey : lines.get(i).key();
        acks.add(producer.send(new ProducerRecord<>(topic, null, k, values.get(i), recordHeaders)));
      }
      for (Future<RecordMetadata> a : acks) {
        try {
          a.get();
        } catch (ExecutionException e) {
          throw KafkaCheck.failure(connection, e.getCause());
        }
      }
    }
    System.out.println("sent " + lines.size() + " records to " + topic);
    return 0;
  }

  private List<Header> headers() {
    List<Header> out = new ArrayList<>();
    for (String h : headers) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
            "--header " + h + ": expected NAME=VALUE");
      }
      out.add(new RecordHeader(h.substring(0, eq), h.substring(eq + 1).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }
}
