package dev.sockeye.binding.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds the dead-letter record of an input: its original key, value and headers, plus
 * {@code sockeye.*} headers saying which function failed it, how often, how, and where it came
 * from, so that it can be inspected and replayed. Stateless.
 */
public final class DeadLetters {
  public static final String FUNCTION = "sockeye.function";
  public static final String ATTEMPTS = "sockeye.attempts";
  public static final String ERROR_TYPE = "sockeye.error.type";
  public static final String ERROR_MESSAGE = "sockeye.error.message";
  public static final String REASON = "sockeye.dead_letter.reason";
  public static final String TOPIC = "sockeye.original.topic";
  public static final String PARTITION = "sockeye.original.partition";
  public static final String OFFSET = "sockeye.original.offset";
  public static final String TIMESTAMP = "sockeye.original.timestamp";
  public static final String FIRST_FAILURE = "sockeye.first_failure";
  public static final String IDEMPOTENCY_KEY = "sockeye.idempotency_key";
  /** The Python traceback of the last failure, when the handler raised (UTF-8, at most 16 KiB). */
  public static final String TRACEBACK = "sockeye.error.traceback";

  private DeadLetters() {}

  /** What went wrong with the record, for its headers. */
  public record Failure(String function, int attempts, String errorType, String errorMessage, String reason, Instant firstFailure) {}

  public static ProducerRecord<byte[], byte[]> of(ConsumerRecord<byte[], byte[]> in, String topic, String idempotencyKey, Failure f) {
    ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, in.key(), in.value());
    for (Header h : in.headers()) {
      out.headers().add(h.key(), h.value());
    }
    put(out, FUNCTION, f.function());
    put(out, ATTEMPTS, Integer.toString(f.attempts()));
    put(out, ERROR_TYPE, f.errorType());
    put(out, ERROR_MESSAGE, f.errorMessage());
    put(out, REASON, f.reason());
    put(out, TOPIC, in.topic());
    put(out, PARTITION, Integer.toString(in.partition()));
    put(out, OFFSET, Long.toString(in.offset()));
    put(out, TIMESTAMP, Long.toString(in.timestamp()));
    put(out, FIRST_FAILURE, f.firstFailure() == null ? "" : f.firstFailure().toString());
    put(out, IDEMPOTENCY_KEY, idempotencyKey);
    return out;
  }

  /** {@code dead} with the {@link #TRACEBACK} header added, unless {@code traceback} is null or empty. */
  public static ProducerRecord<byte[], byte[]> withTraceback(ProducerRecord<byte[], byte[]> dead, CharSequence traceback) {
    if (traceback != null && traceback.length() > 0) {
      put(dead, TRACEBACK, traceback.toString());
    }
    return dead;
  }

  private static void put(ProducerRecord<byte[], byte[]> r, String name, String value) {
    r.headers().add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
  }
}
