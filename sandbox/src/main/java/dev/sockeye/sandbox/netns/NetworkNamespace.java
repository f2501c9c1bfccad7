package dev.sockeye.sandbox.netns;

import dev.sockeye.sandbox.sys.Libc;
import dev.sockeye.sandbox.sys.Sys;
import java.nio.charset.StandardCharsets;

/**
 * Makes one empty network namespace with loopback up and returns an open descriptor to it. The calling thread
 * enters the new namespace (unshare affects only that thread) and always returns to {@code home}: a JVM thread
 * must not stay in a foreign namespace. Stateless.
 */
final class NetworkNamespace {
  private static final int AF_INET = 2;
  private static final int SOCK_DGRAM = 2;
  private static final long SIOCGIFFLAGS = 0x8913;
  private static final long SIOCSIFFLAGS = 0x8914;
  private static final int IFF_UP = 1;

  private NetworkNamespace() {}

  static int create(int home) {
    Sys.check(Sys.C.unshare(Libc.CLONE_NEWNET), "unshare(CLONE_NEWNET) on thread " + Thread.currentThread().getName());
    int fd = -1;
    try {
      fd = Sys.openReadOnly("/proc/thread-self/ns/net");
      loopbackUp();
      return fd;
    } catch (RuntimeException e) {
      Sys.closeQuietly(fd);
      throw e;
    } finally {
      Sys.check(Sys.C.setns(home, Libc.CLONE_NEWNET), "setns back to the service's network namespace");
    }
  }

  /** ifreq is a 16-byte interface name followed by a union whose first member here is short flags. */
  private static void loopbackUp() {
    int socket = Sys.check(Sys.C.socket(AF_INET, SOCK_DGRAM, 0), "socket(AF_INET) in a new network namespace");
    try {
      byte[] request = new byte[40];
      byte[] name = "lo".getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(name, 0, request, 0, name.length);
      Sys.check(Sys.C.ioctl(socket, SIOCGIFFLAGS, request), "ioctl(SIOCGIFFLAGS, lo)");
      request[16] |= IFF_UP;
      Sys.check(Sys.C.ioctl(socket, SIOCSIFFLAGS, request), "ioctl(SIOCSIFFLAGS, lo up)");
    } finally {
      Sys.closeQuietly(socket);
    }
  }
}
