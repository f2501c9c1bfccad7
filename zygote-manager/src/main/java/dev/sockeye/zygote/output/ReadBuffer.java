package dev.sockeye.zygote.output;

import java.nio.ByteBuffer;

/**
 * A fixed native buffer read(2) fills without copying, and a heap array of the same size that receives only the
 * bytes read: passing a heap array to jnr copies all of it across on every call, which cost a 64 KiB copy per
 * printed line. Owned by one thread at a time.
 */
final class ReadBuffer {
  final byte[] bytes;
  private final ByteBuffer direct;

  ReadBuffer(int size) {
    this.bytes = new byte[size];
    this.direct = ByteBuffer.allocateDirect(size);
  }

  /** read(2) into {@link #bytes}: the count, 0 at end of file, or -1 with errno set. */
  long read(int fd) {
    long n = OutputLibc.INSTANCE.read(fd, direct, bytes.length);
    if (n > 0) {
      direct.get(0, bytes, 0, (int) n);
    }
    return n;
  }
}
