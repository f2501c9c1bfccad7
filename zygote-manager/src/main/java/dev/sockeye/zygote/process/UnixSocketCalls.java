package dev.sockeye.zygote.process;

import dev.sockeye.sandbox.sys.Libc;
import dev.sockeye.sandbox.sys.Sys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Opening Unix sockets through the project's one libc binding ({@link Libc}), with errors naming the path. Stateless. */
final class UnixSocketCalls {
  private static final Libc C = Libc.INSTANCE;

  private UnixSocketCalls() {}

  /** bind+listen or connect: a libc call on a new socket and the sockaddr_un of a path; 0 on success. */
  @FunctionalInterface
  interface AddressCall {
    int apply(int fd, byte[] address, int length);
  }

  /**
   * A new AF_UNIX stream socket (close-on-exec) on which {@code call} has succeeded with the address of
   * {@code path}; closed again if it failed. {@code action} (e.g. "listen at PATH") begins every error message.
   */
  static int unixSocket(Path path, String action, AddressCall call) throws IOException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > UnixSockets.MAX_PATH_BYTES) {
      throw new IOException(action + ": path longer than sun_path");
    }
    int fd = C.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("socket(AF_UNIX) to " + action + ": " + Sys.lastErrno());
    }
    byte[] address = new byte[2 + name.length + 1]; // sa_family_t, then the NUL-terminated path
    address[0] = (byte) Libc.AF_UNIX; // little-endian on the machines we support
    System.arraycopy(name, 0, address, 2, name.length);
    if (call.apply(fd, address, address.length) != 0) {
      String error = Sys.lastErrno();
      C.close(fd);
      throw new IOException(action + ": " + error);
    }
    return fd;
  }
}
