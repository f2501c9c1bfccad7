package dev.sockeye.zygote.output;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/** The libc calls for instance output pipes: the JDK has no pipe whose write end can be sent to another process. */
public interface OutputLibc {
  OutputLibc INSTANCE = LibraryLoader.create(OutputLibc.class).load("c");
  jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(INSTANCE);

  int O_NONBLOCK = 0x800;
  int O_CLOEXEC = 0x80000;
  int F_GETFL = 3;
  int F_SETFL = 4;
  short POLLIN = 0x1;
  int EAGAIN = 11;
  int EINTR = 4;

  @SaveError
  int pipe2(@Out int[] fds, int flags);

  @SaveError
  int fcntl(int fd, int cmd, int arg);

  @SaveError
  long read(int fd, @Out byte[] buffer, long count);

  /** Into a direct buffer: no copy across the call (see ReadBuffer). */
  @SaveError
  long read(int fd, @Out java.nio.ByteBuffer buffer, long count);

  @SaveError
  long write(int fd, @In byte[] buffer, long count);

  /** {@code fds} is an array of {@code struct pollfd} (int fd, short events, short revents), little-endian. */
  @SaveError
  int poll(@In @Out byte[] fds, long count, int timeoutMs);

  @SaveError
  int close(int fd);

  static int errno() {
    return RUNTIME.getLastError();
  }

  /** A pipe {read, write}, both close-on-exec, the read end non-blocking (the writer's end stays blocking). */
  static int[] openPipe(String purpose) {
    int[] fds = new int[2];
    if (INSTANCE.pipe2(fds, O_CLOEXEC) != 0) {
      throw new IllegalStateException("pipe2 for " + purpose + ": errno " + errno());
    }
    int flags = INSTANCE.fcntl(fds[0], F_GETFL, 0);
    if (flags < 0 || INSTANCE.fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) != 0) {
      int errno = errno();
      INSTANCE.close(fds[0]);
      INSTANCE.close(fds[1]);
      throw new IllegalStateException("fcntl(O_NONBLOCK) on the pipe for " + purpose + ": errno " + errno);
    }
    return fds;
  }
}
