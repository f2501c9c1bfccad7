package dev.sockeye.zygote.process;

import dev.sockeye.sandbox.sys.Libc;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A listening Unix socket made by the JVM for a sandboxed instance and handed to its zygote (SCM_RIGHTS): the
 * socket exists before the fork, so the JVM can connect as soon as the zygote replies and the zygote never needs
 * a path into the sandbox. The JVM closes its copy once the fork request is answered; the instance then holds
 * the only one. {@link #close()} is idempotent; one owner (the forking thread).
 */
public final class UnixListener implements AutoCloseable {
  private static final Libc C = Libc.INSTANCE;

  private final int fd;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UnixListener(int fd) {
    this.fd = fd;
  }

  /** Binds {@code path} (which must not exist) and listens with a backlog of one: only the JVM connects. */
  public static UnixListener bind(Path path) throws IOException {
    int fd = UnixSocketCalls.unixSocket(path, "listen at " + path,
        (socket, address, length) -> C.bind(socket, address, length) != 0 ? -1 : C.listen(socket, 1));
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
