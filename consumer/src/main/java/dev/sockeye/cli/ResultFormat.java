package dev.sockeye.cli;

import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.schemas.codec.AvroBytes;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One result as one readable line. A record that is not a result says so, with its position. */
final class ResultFormat {
  private static final int MAX_OUTPUT = 200;

  private ResultFormat() {}

  static String line(ConsumerRecord<byte[], byte[]> r) {
    InvocationResult res;
    try {
      res = AvroBytes.RESULT.decode(r.value());
    } catch (UncheckedIOException e) {
      return String.format("%s-%d@%d: not an InvocationResult (%s)", r.topic(), r.partition(), r.offset(), e.getMessage());
    }
    String body = res.getStatus() == Status.OK
        ? "output=" + text(res.getOutput())
        : res.getErrorType() + ": " + res.getErrorMessage();
    String line = String.format("%s key=%s %s %s total=%.1fms %s",
        res.getIdempotencyKey(), text(res.getKey()), res.getStatus(), res.getStartKind(),
        res.getTimings().getTotalUs() / 1000.0, body);
    // The traceback follows on indented lines, so a reader sees where the handler failed.
    return res.getTraceback() == null ? line : line + "\n" + indent(res.getTraceback().toString());
  }

  private static String indent(String text) {
    return "    " + text.strip().replace("\n", "\n    ");
  }

  private static String text(ByteBuffer b) {
    if (b == null) {
      return "null";
    }
    byte[] bytes = new byte[b.remaining()];
    b.duplicate().get(bytes);
    String s = new String(bytes, StandardCharsets.UTF_8);
    return s.length() > MAX_OUTPUT ? s.substring(0, MAX_OUTPUT) + "..." : s;
  }
}
