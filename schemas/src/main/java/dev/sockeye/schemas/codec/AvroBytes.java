package dev.sockeye.schemas.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Avro single-object encoding (a marker, the schema fingerprint, then the binary record) as a byte
 * array, so a reader can tell which schema wrote a record. Use with the generated methods:
 * {@code AvroBytes.encode(result::toByteBuffer)}, {@code AvroBytes.decode(bytes, InvocationResult::fromByteBuffer)}.
 */
public final class AvroBytes {
  private AvroBytes() {}

  /** The generated {@code toByteBuffer}. */
  @FunctionalInterface
  public interface Encoder {
    ByteBuffer encode() throws IOException;
  }

  /** The generated static {@code fromByteBuffer}. */
  @FunctionalInterface
  public interface Decoder<T> {
    T decode(ByteBuffer buffer) throws IOException;
  }

  public static byte[] encode(Encoder encoder) {
    try {
      ByteBuffer b = encoder.encode();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("encode Avro record", e);
    }
  }

  /** Throws {@link UncheckedIOException} saying what was wrong when the bytes are not such a record. */
  public static <T> T decode(byte[] bytes, Decoder<T> decoder) {
    try {
      return decoder.decode(ByteBuffer.wrap(bytes));
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("not a Sockeye Avro record of the expected schema: " + e.getMessage(), e));
    }
  }
}
