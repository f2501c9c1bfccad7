package dev.sockeye.zygote.process;

import dev.sockeye.sandbox.sys.Libc;
import dev.sockeye.sandbox.sys.Sys;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * A connected Unix stream socket driven through libc, so that it can send file descriptors with a message
 * (SCM_RIGHTS), which the JDK's SocketChannel cannot. Reads and writes belong to one thread at a time (the
 * zygote manager's fork lock); {@link #close()} may be called from any thread and wakes a blocked read.
 */
public final class FdSocket implements ByteChannel {
  private static final Libc C = Libc.INSTANCE;

  private final int fd;
  private final String peer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FdSocket(int fd, String peer) {
    this.fd = fd;
    this.peer = peer;
  }

  /** Connects to the socket at {@code path}; {@code what} names the peer in error messages. */
  public static FdSocket connect(Path path, String what) throws IOException {
    int fd = UnixSocketCalls.unixSocket(path, "connect to " + what + " at " + path, C::connect);
    return new FdSocket(fd, what + " at " + path);
  }

  /** Takes ownership of {@code fd}, a connected Unix stream socket received from a peer. */
  static FdSocket adopt(int fd, String what) {
    return new FdSocket(fd, what);
  }

  /**
   * Reads one marker byte and the descriptors sent with it (SCM_RIGHTS), at most {@code max}; the caller owns
   * them. Throws EOFException if the peer closed the socket first.
   */
  public List<Integer> receiveFds(int max) throws IOException {
    MessageHeader h = MessageHeader.of(new byte[1], max);
    Pointer message = h.message();
    Pointer control = h.control();
    long n;
    do {
      n = C.recvmsg(fd, message, Libc.MSG_CMSG_CLOEXEC);
    } while (n < 0 && Sys.interrupted());
    java.lang.ref.Reference.reachabilityFence(h);
    if (n < 0) {
      throw closedOr("recvmsg from " + peer + ": " + Sys.lastErrno());
    }
    if (n == 0) {
      throw new java.io.EOFException("recvmsg from " + peer + ": end of stream before the descriptors");
    }
    List<Integer> fds = new java.util.ArrayList<>();
    long controlLength = message.getLong(40);
    if (controlLength >= 16 && control.getInt(8) == Libc.SOL_SOCKET && control.getInt(12) == Libc.SCM_RIGHTS) {
      long count = (control.getLong(0) - 16) / 4;
      for (int i = 0; i < count; i++) {
        fds.add(control.getInt(16 + 4L * i));
      }
    }
    if ((message.getInt(48) & Libc.MSG_CTRUNC) != 0) {
      fds.forEach(C::close);
      throw new IOException("recvmsg from " + peer + ": more than " + max + " descriptors (truncated)");
    }
    return fds;
  }

  /** Reads and drops whatever has arrived, without waiting (so that closing does not reset the peer). */
  void drain() {
    byte[] scrap = new byte[64];
    while (C.recv(fd, scrap, scrap.length, Libc.MSG_DONTWAIT) > 0) {
      // dropped
    }
  }

  /** Sends all of {@code data}; the descriptors travel with its first byte. */
  public void sendWithFds(ByteBuffer data, List<Integer> fds) throws IOException {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    int sent = fds.isEmpty() ? 0 : sendmsg(bytes, fds);
    write(ByteBuffer.wrap(bytes, sent, bytes.length - sent));
  }

  private int sendmsg(byte[] bytes, List<Integer> fds) throws IOException {
    MessageHeader h = MessageHeader.of(bytes, fds.size());
    Pointer control = h.control();
    control.putLong(0, 16 + 4L * fds.size()); // struct cmsghdr { size_t len; int level; int type; }
    control.putInt(8, Libc.SOL_SOCKET);
    control.putInt(12, Libc.SCM_RIGHTS);
    for (int i = 0; i < fds.size(); i++) {
      control.putInt(16 + 4L * i, fds.get(i));
    }
    long n;
    do {
      n = C.sendmsg(fd, h.message(), Libc.MSG_NOSIGNAL);
    } while (n < 0 && Sys.interrupted());
    java.lang.ref.Reference.reachabilityFence(h);
    if (n <= 0) {
      throw new IOException("sendmsg with " + fds.size() + " descriptors to " + peer + ": " + Sys.lastErrno());
    }
    return (int) n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int total = 0;
    byte[] chunk = new byte[Math.min(src.remaining(), 64 * 1024)];
    while (src.hasRemaining()) {
      int len = Math.min(chunk.length, src.remaining());
      src.get(chunk, 0, len);
      int off = 0;
      while (off < len) {
        byte[] part = off == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, off, len);
        long n = C.send(fd, part, len - off, Libc.MSG_NOSIGNAL);
        if (n < 0 && Sys.interrupted()) {
          continue;
        }
        if (n < 0) {
          throw closedOr("send to " + peer + ": " + Sys.lastErrno());
        }
        off += (int) n;
      }
      total += len;
    }
    return total;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    byte[] chunk = new byte[Math.min(dst.remaining(), 64 * 1024)];
    long n;
    do {
      n = C.recv(fd, chunk, chunk.length, 0);
    } while (n < 0 && Sys.interrupted());
    if (n < 0) {
      throw closedOr("recv from " + peer + ": " + Sys.lastErrno());
    }
    if (n == 0) {
      return -1;
    }
    dst.put(chunk, 0, (int) n);
    return (int) n;
  }

  private IOException closedOr(String message) {
    return closed.get() ? new ClosedChannelException() : new IOException(message);
  }

  @Override
  public boolean isOpen() {
    return !closed.get();
  }

  /** shutdown() first: it wakes a thread blocked in recv, which close() alone would not. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      C.shutdown(fd, Libc.SHUT_RDWR);
      C.close(fd);
    }
  }

  /**
   * A struct msghdr on LP64 with one iovec over {@code data} and room for {@code fds} descriptors of control
   * data (CMSG_SPACE). The native memory is freed when these objects are collected, and the kernel sees only its
   * addresses: keep the record reachable until the syscall returns.
   */
  private record MessageHeader(Pointer message, Pointer iov, Pointer data, Pointer control) {
    static MessageHeader of(byte[] bytes, int fds) {
      jnr.ffi.Runtime rt = Sys.RUNTIME;
      Pointer data = Memory.allocateDirect(rt, bytes.length, true);
      data.put(0, bytes, 0, bytes.length);
      Pointer iov = Memory.allocateDirect(rt, 16, true); // struct iovec { void *base; size_t len; }
      iov.putAddress(0, data.address());
      iov.putLong(8, bytes.length);
      int space = 16 + ((4 * fds + 7) & ~7);
      Pointer control = Memory.allocateDirect(rt, space, true);
      Pointer message = Memory.allocateDirect(rt, 56, true);
      message.putAddress(16, iov.address());
      message.putLong(24, 1);
      message.putAddress(32, control.address());
      message.putLong(40, space);
      return new MessageHeader(message, iov, data, control);
    }
  }
}
