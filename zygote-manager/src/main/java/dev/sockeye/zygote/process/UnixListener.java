package dev.sockeye.zygote.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening Unix socket made by the JVM for a sandboxed instance and handed to its zygote (SCM_RIGHTS): the
 * socket exists before the fork, so the JVM can connect as soon as the zygote replies and the zygote never needs
 * a path into the sandbox. The JVM closes its copy once the fork request is answered; the instance then holds
 * the only one. {@link #close()} is idempotent; one owner (the forking thread).
 */
public final class UnixListener implements AutoCloseable {
  private static final SocketLibc C = SocketLibc.INSTANCE;
  private static final int SOCKADDR_UN = 110;

  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixListener(int fd) {
    this.fd = fd;
  }

  /** Binds {@code path} (which must not exist) and listens with a backlog of one: only the JVM connects. */
  public static UnixListener bind(Path path) throws IOException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > UnixSockets.MAX_PATH_BYTES) {
      throw new IOException("listen at " + path + ": path longer than sun_path");
    }
    int fd = C.socket(SocketLibc.AF_UNIX, SocketLibc.SOCK_STREAM | SocketLibc.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new IOException("socket(AF_UNIX) to listen at " + path + ": " + SocketLibc.lastError());
    }
    byte[] address = new byte[SOCKADDR_UN];
    address[0] = (byte) SocketLibc.AF_UNIX; // sa_family_t, little-endian on the machines we support
    System.arraycopy(name, 0, address, 2, name.length);
    if (C.bind(fd, address, 2 + name.length + 1) != 0 || C.listen(fd, 1) != 0) {
      String error = SocketLibc.lastError();
      C.close(fd);
      throw new IOException("listen at " + path + ": " + error);
    }
    return new UnixListener(fd);
  }

  public int fd() {
    return fd;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      C.close(fd);
    }
  }
}
