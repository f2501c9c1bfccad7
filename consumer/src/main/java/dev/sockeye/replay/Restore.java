package dev.sockeye.replay;

import dev.sockeye.binding.deadletter.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * The record a handler sees for a dead letter (or a staged file line): its original topic,
 * partition, offset and timestamp from the {@code sockeye.original.*} headers, and its original
 * headers without the ones the dead-letter writer added. A record without them is left as it is.
 * Stateless.
 */
final class Restore {
  private static final Set<String> ADDED = Set.of(DeadLetters.FUNCTION, DeadLetters.ATTEMPTS, DeadLetters.ERROR_TYPE,
      DeadLetters.ERROR_MESSAGE, DeadLetters.REASON, DeadLetters.TOPIC, DeadLetters.PARTITION, DeadLetters.OFFSET,
      DeadLetters.TIMESTAMP, DeadLetters.FIRST_FAILURE, DeadLetters.IDEMPOTENCY_KEY);

  private Restore() {}

  static ConsumerRecord<byte[], byte[]> original(ConsumerRecord<byte[], byte[]> r) {
    String topic = header(r, DeadLetters.TOPIC);
    String partition = header(r, DeadLetters.PARTITION);
    String offset = header(r, DeadLetters.OFFSET);
    if (topic == null || partition == null || offset == null) {
      return r;
    }
    try {
      String ts = header(r, DeadLetters.TIMESTAMP);
      long timestamp = ts == null || ts.isEmpty() ? r.timestamp() : Long.parseLong(ts);
      return new ConsumerRecord<>(topic, Integer.parseInt(partition), Long.parseLong(offset), timestamp, TimestampType.CREATE_TIME,
          r.key() == null ? -1 : r.key().length, r.value() == null ? -1 : r.value().length, r.key(), r.value(), originalHeaders(r),
          Optional.empty());
    } catch (NumberFormatException e) {
      return r; // not written by Sockeye: run it as it is
    }
  }

  /** The record's headers without those the dead-letter writer added. */
  static RecordHeaders originalHeaders(ConsumerRecord<byte[], byte[]> r) {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : r.headers()) {
      if (!ADDED.contains(h.key())) {
        headers.add(h.key(), h.value());
      }
    }
    return headers;
  }

  /** The last value of header {@code name}, or null. */
  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
