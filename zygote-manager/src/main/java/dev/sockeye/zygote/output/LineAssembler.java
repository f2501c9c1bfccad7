package dev.sockeye.zygote.output;

/**
 * Splits a byte stream into lines of at most a fixed number of bytes, in a buffer of that size allocated once: a
 * longer line is emitted in pieces marked cut, so no output of any shape makes it hold more. Not thread-safe: its
 * owner serialises {@link #feed} and {@link #flush}.
 */
public final class LineAssembler {
  /** Receives each line; {@code bytes} is only valid during the call. */
  @FunctionalInterface
  public interface Emit {
    void line(byte[] bytes, int length, boolean cut);
  }

  private final byte[] line;
  private int length;

  public LineAssembler(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be >= 1, was " + maxLineBytes);
    }
    this.line = new byte[maxLineBytes];
  }

  public void feed(byte[] data, int offset, int count, Emit emit) {
    int i = offset;
    int end = offset + count;
    while (i < end) {
      if (length == line.length) { // full: a newline right here ends it, anything else continues it
        boolean newline = data[i] == '\n';
        emit.line(line, length, !newline);
        length = 0;
        i += newline ? 1 : 0;
        continue;
      }
      int stop = indexOfNewline(data, i, Math.min(end, i + line.length - length));
      int take = (stop < 0 ? Math.min(end, i + line.length - length) : stop) - i;
      System.arraycopy(data, i, line, length, take);
      length += take;
      i += take;
      if (stop >= 0) {
        emit.line(line, length, false);
        length = 0;
        i++;
      }
    }
  }

  /** Emits what is buffered as a line of its own (output that ended without a newline). */
  public void flush(Emit emit) {
    if (length > 0) {
      emit.line(line, length, false);
      length = 0;
    }
  }

  private static int indexOfNewline(byte[] data, int from, int to) {
    for (int i = from; i < to; i++) {
      if (data[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
