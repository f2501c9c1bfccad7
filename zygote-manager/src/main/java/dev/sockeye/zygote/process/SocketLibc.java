package dev.sockeye.zygote.process;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/** The libc socket calls the JDK does not offer for Unix sockets: sendmsg with SCM_RIGHTS in particular. */
public interface SocketLibc {
  SocketLibc INSTANCE = LibraryLoader.create(SocketLibc.class).load("c");
  jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(INSTANCE);

  int AF_UNIX = 1;
  int SOCK_STREAM = 1;
  int SOCK_CLOEXEC = 0x80000;
  int SOL_SOCKET = 1;
  int SCM_RIGHTS = 1;
  int MSG_NOSIGNAL = 0x4000;
  int MSG_CTRUNC = 0x8;
  int MSG_DONTWAIT = 0x40;
  int MSG_CMSG_CLOEXEC = 0x40000000;
  int SHUT_RDWR = 2;

  @SaveError
  int socket(int domain, int type, int protocol);

  @SaveError
  int connect(int fd, byte[] address, int length);

  @SaveError
  int bind(int fd, byte[] address, int length);

  @SaveError
  int listen(int fd, int backlog);

  @SaveError
  long send(int fd, byte[] buffer, long length, int flags);

  @SaveError
  long recv(int fd, byte[] buffer, long length, int flags);

  @SaveError
  long sendmsg(int fd, Pointer message, int flags);

  @SaveError
  long recvmsg(int fd, Pointer message, int flags);

  @SaveError
  int shutdown(int fd, int how);

  @SaveError
  int close(int fd);

  /** errno of the last call on this thread, as its symbolic name (e.g. "EPERM"). */
  static String lastError() {
    int errno = RUNTIME.getLastError();
    jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
    return e == null || e.name().startsWith("__") ? "errno " + errno : e.name();
  }

  /** bind+listen or connect: a libc call on a new socket and the sockaddr_un of a path; 0 on success. */
  @FunctionalInterface
  interface AddressCall {
    int apply(int fd, byte[] address, int length);
  }

  /**
   * A new AF_UNIX stream socket (close-on-exec) on which {@code call} has succeeded with the address of
   * {@code path}; closed again if it failed. {@code action} (e.g. "listen at PATH") begins every error message.
   */
  static int unixSocket(java.nio.file.Path path, String action, AddressCall call) throws java.io.IOException {
    byte[] name = path.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (name.length > UnixSockets.MAX_PATH_BYTES) {
      throw new java.io.IOException(action + ": path longer than sun_path");
    }
    int fd = INSTANCE.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      throw new java.io.IOException("socket(AF_UNIX) to " + action + ": " + lastError());
    }
    byte[] address = new byte[2 + name.length + 1]; // sa_family_t, then the NUL-terminated path
    address[0] = (byte) AF_UNIX; // little-endian on the machines we support
    System.arraycopy(name, 0, address, 2, name.length);
    if (call.apply(fd, address, address.length) != 0) {
      String error = lastError();
      INSTANCE.close(fd);
      throw new java.io.IOException(action + ": " + error);
    }
    return fd;
  }

  static boolean interrupted() {
    return RUNTIME.getLastError() == jnr.constants.platform.Errno.EINTR.intValue();
  }
}
