package dev.sockeye.zygote.process;

import dev.sockeye.zygote.protocol.Frame;
import dev.sockeye.zygote.protocol.Frames;
import java.io.IOException;
import java.util.List;

/**
 * A child a zygote forked ahead of demand, held by the JVM through its socket: it has already done whatever of
 * becoming an instance does not depend on the request (hot pages, reseeding, for sandboxed spares the UTS and IPC
 * namespaces), and waits for one fork request, which the JVM sends it directly, without the zygote. Closing the
 * socket without sending lets it exit. One owner at a time: the {@link ZygoteProcess} while pooled, then the
 * forking thread.
 */
public final class Spare implements AutoCloseable {
  private final long pid;
  private final FdSocket socket;
  private boolean prepared; // guarded by this

  Spare(long pid, FdSocket socket) {
    this.pid = pid;
    this.socket = socket;
  }

  public long pid() {
    return pid;
  }

  /** Sends the fork request and its descriptors; the spare becomes the instance. */
  public void send(Frame request, List<Integer> fds) throws IOException {
    socket.sendWithFds(Frames.encode(request), fds);
  }

  /**
   * Blocking: returns once the spare has finished preparing (it writes one byte then), or has died; see
   * ZygoteManager.awaitBackgroundWork.
   */
  public synchronized void awaitPrepared() {
    if (prepared) {
      return;
    }
    prepared = true;
    try {
      socket.read(java.nio.ByteBuffer.allocate(1));
    } catch (IOException e) {
      // a dead spare is skipped when it is used
    }
  }

  /** Lets the spare exit (it reads end of file), unless a request was sent. Idempotent. */
  @Override
  public void close() {
    if (!socket.isOpen()) {
      return;
    }
    socket.drain(); // its "prepared" byte: unread data would make the spare's read fail with a reset
    socket.close();
  }

  @Override
  public String toString() {
    return "spare pid " + pid;
  }
}
