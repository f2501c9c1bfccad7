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
  int shutdown(int fd, int how);

  @SaveError
  int close(int fd);

  /** errno of the last call on this thread, as its symbolic name (e.g. "EPERM"). */
  static String lastError() {
    int errno = RUNTIME.getLastError();
    jnr.constants.platform.Errno e = jnr.constants.platform.Errno.valueOf(errno);
    return e == null || e.name().startsWith("__") ? "errno " + errno : e.name();
  }

  static boolean interrupted() {
    return RUNTIME.getLastError() == jnr.constants.platform.Errno.EINTR.intValue();
  }
}
