package dev.sockeye.cli;

import dev.sockeye.control.ControlTopics;
import dev.sockeye.kafka.KafkaClients;
import dev.sockeye.logs.LogView;
import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.codec.AvroBytes;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sockeye logs FUNCTION}: a function's handler output and invocation reports, from sockeye.logs. */
@Command(name = "logs", description = "Print a function's handler output (stdout, stderr) and one REPORT per invocation.")
final class LogsCommand implements Callable<Integer> {
  private static final Pattern AGO = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Mixin KafkaOptions kafka;

  @Parameters(index = "0", paramLabel = "FUNCTION")
  String function;

  @Option(names = {"-f", "--follow"}, description = "Keep printing new lines as they arrive")
  boolean follow;

  @Option(names = "--key", paramLabel = "IDEMPOTENCY_KEY", description = "Only this event's lines (topic-partition-offset)")
  String key;

  @Option(names = "--since", description = "Only lines newer than this: an ISO instant or an age such as 30s, 10m, 2h, 1d")
  String since;

  @Option(names = "--errors", description = "Only failed invocations: their lines, REPORT and traceback")
  boolean errors;

  @Override
  public Integer call() {
    Instant from = since == null ? null : parseSince(since, Instant.now());
    LogView view = new LogView(function, key, errors);
    byte[] functionKey = function.getBytes(StandardCharsets.UTF_8);
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(KafkaClients.consumerConfig(kafka.connect(), null, "sockeye-logs-cli"))) {
      List<TopicPartition> parts = consumer.partitionsFor(ControlTopics.LOGS, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(ControlTopics.LOGS, p.partition())).toList();
      if (parts.isEmpty()) {
        throw new IllegalArgumentException("topic " + ControlTopics.LOGS + " does not exist: no service has run yet");
      }
      consumer.assign(parts);
      seek(consumer, parts, from);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (follow || end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && java.util.Arrays.equals(r.key(), functionKey)
              && (from == null || r.timestamp() >= from.toEpochMilli())) {
            print(r, view);
          }
        }
      }
    }
    return 0;
  }

  private static void print(ConsumerRecord<byte[], byte[]> r, LogView view) {
    HandlerLog log;
    try {
      log = AvroBytes.LOG.decode(r.value());
    } catch (UncheckedIOException e) {
      System.out.printf("%s-%d@%d: not a HandlerLog (%s)%n", r.topic(), r.partition(), r.offset(), e.getMessage());
      return;
    }
    view.accept(log).forEach(System.out::println);
  }

  private static void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> parts, Instant from) {
    if (from == null) {
      consumer.seekToBeginning(parts);
      return;
    }
    Map<TopicPartition, Long> times = new HashMap<>();
    parts.forEach(p -> times.put(p, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    for (TopicPartition p : parts) {
      OffsetAndTimestamp o = offsets.get(p);
      consumer.seek(p, o == null ? end.get(p) : o.offset());
    }
  }

  /** An ISO-8601 instant, or an age before {@code now}; the error names the flag. */
  static Instant parseSince(String value, Instant now) {
    Matcher m = AGO.matcher(value.trim());
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      Duration d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return now.minus(d);
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("--since '" + value
          + "' is neither an ISO instant (2024-05-01T00:00:00Z) nor an age (30s, 10m, 2h, 1d)");
    }
  }
}
