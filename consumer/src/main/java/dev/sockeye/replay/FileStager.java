package dev.sockeye.replay;

import dev.sockeye.kafka.KafkaConnection;
import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.kafka.KafkaClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes a file's inputs to a one-partition staging topic, so that a file replays through the same
 * bounded binding as a topic (ordered, resumable from committed offsets). Each staged record carries
 * its coordinates in the dead-letter headers ({@code sockeye.original.*}: the envelope's topic,
 * partition and offset, or the function's first topic, partition 0 and the line number) and
 * {@code sockeye.replay.file}/{@code sockeye.replay.line}. A malformed line goes to the replay's
 * dead-letter topic with its line number and the reason, never silently dropped. Blocking.
 */
final class FileStager {
  static final String FILE_HEADER = "sockeye.replay.file";
  static final String LINE_HEADER = "sockeye.replay.line";
  private static final byte[] AVRO_MAGIC = {'O', 'b', 'j', 1};

  /** What staging found. */
  record Staged(long records, long malformed, List<String> problems) {}

  private final KafkaConnection connection;
  private final String function;
  private final String defaultTopic;
  private final String deadLetterTopic;

  FileStager(KafkaConnection connection, String function, String defaultTopic, String deadLetterTopic) {
    this.connection = connection;
    this.function = function;
    this.defaultTopic = defaultTopic;
    this.deadLetterTopic = deadLetterTopic;
  }

  /** Unreadable files are usage errors naming {@code --file} and the path. */
  static void checkReadable(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--file " + file + ": no such file");
    }
    if (!Files.isReadable(file)) {
      throw new UsageException("--file " + file + ": not readable");
    }
  }

  /** What reading a file yields, in file order. */
  private interface Out {
    void record(FileRecords.Entry e, long n);

    void malformed(String line, long lineNo, String why);
  }

  /** Reads the file and counts what it holds, staging nothing (a dry run). */
  Staged count(Path file) {
    checkReadable(file);
    long[] counts = new long[2];
    List<String> problems = new ArrayList<>();
    try {
      read(file, new Out() {
        @Override public void record(FileRecords.Entry e, long n) {
          counts[0]++;
        }

        @Override public void malformed(String line, long lineNo, String why) {
          counts[1]++;
          problems.add(file + ":" + lineNo + ": " + why);
        }
      });
    } catch (IOException e) {
      throw new UsageException("--file " + file + ": " + e.getMessage());
    }
    return new Staged(counts[0], counts[1], problems);
  }

  Staged stage(Path file, String topic) {
    checkReadable(file);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    long[] counts = new long[2];
    try (var producer = new KafkaProducer<byte[], byte[]>(KafkaClients.producerConfig(connection, "sockeye-replay-stage"))) {
      read(file, new Out() {
        @Override public void record(FileRecords.Entry e, long n) {
          sent.add(producer.send(staged(topic, e, file, n)));
          counts[0]++;
        }

        @Override public void malformed(String line, long lineNo, String why) {
          counts[1]++;
          problems.add(file + ":" + lineNo + ": " + why + " (dead-lettered to " + deadLetterTopic + ")");
          sent.add(producer.send(FileStager.this.malformed(line, file, lineNo, why)));
        }
      });
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get();
      }
    } catch (IOException e) {
      throw new UsageException("--file " + file + ": " + e.getMessage());
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("staging " + file + " to " + topic + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("staging " + file + ": interrupted", e);
    }
    return new Staged(counts[0], counts[1], problems);
  }

  private static void read(Path file, Out out) throws IOException {
    if (isAvro(file)) {
      readAvro(file, out);
    } else {
      readLines(file, out);
    }
  }

  private static boolean isAvro(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return java.util.Arrays.equals(in.readNBytes(4), AVRO_MAGIC);
    }
  }

  private static void readLines(Path file, Out out) throws IOException {
    var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder))) {
      long lineNo = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.record(FileRecords.fromLine(line), lineNo);
        } catch (FileRecords.Malformed m) {
          out.malformed(line, lineNo, m.getMessage());
        }
      }
    }
  }

  private static void readAvro(Path file, Out out) throws IOException {
    try (var stream = new DataFileStream<GenericRecord>(Files.newInputStream(file), new GenericDatumReader<>())) {
      long n = 0;
      while (stream.hasNext()) {
        n++;
        GenericRecord r;
        try {
          r = stream.next();
        } catch (RuntimeException e) { // a corrupt block: what follows cannot be found again
          throw new IOException("Avro record " + n + " is unreadable: " + e.getMessage(), e);
        }
        out.record(FileRecords.fromAvro(r), n);
      }
    }
  }

  private ProducerRecord<byte[], byte[]> staged(String topic, FileRecords.Entry e, Path file, long n) {
    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(topic, 0, e.timestamp(), e.key(), e.value());
    e.headers().forEach((k, v) -> pr.headers().add(k, v));
    put(pr, DeadLetters.TOPIC, e.topic() != null ? e.topic() : defaultTopic);
    put(pr, DeadLetters.PARTITION, Integer.toString(e.partition() != null ? e.partition() : 0));
    put(pr, DeadLetters.OFFSET, Long.toString(e.offset() != null ? e.offset() : n));
    if (e.timestamp() != null) {
      put(pr, DeadLetters.TIMESTAMP, Long.toString(e.timestamp()));
    }
    put(pr, FILE_HEADER, file.toString());
    put(pr, LINE_HEADER, Long.toString(n));
    return pr;
  }

  private ProducerRecord<byte[], byte[]> malformed(String line, Path file, long lineNo, String why) {
    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(deadLetterTopic, null, line.getBytes(StandardCharsets.UTF_8));
    put(pr, DeadLetters.FUNCTION, function);
    put(pr, DeadLetters.ATTEMPTS, "0");
    put(pr, DeadLetters.ERROR_TYPE, "MalformedLine");
    put(pr, DeadLetters.ERROR_MESSAGE, why);
    put(pr, DeadLetters.REASON, "malformed line " + lineNo + " of " + file);
    put(pr, FILE_HEADER, file.toString());
    put(pr, LINE_HEADER, Long.toString(lineNo));
    return pr;
  }

  private static void put(ProducerRecord<byte[], byte[]> r, String name, String value) {
    r.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
