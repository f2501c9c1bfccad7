package dev.sockeye.sandbox.sys;

import jnr.constants.platform.Errno;

/** Checked wrappers around {@link Libc}: each failure becomes a {@link SyscallException} naming what failed. Stateless. */
public final class Sys {
  public static final Libc C = Libc.INSTANCE;
  /** The binding's runtime: errno of the last call and native memory (e.g. msghdr buffers) come from it. */
  public static final jnr.ffi.Runtime RUNTIME = jnr.ffi.Runtime.getRuntime(Libc.INSTANCE);

  private Sys() {}

  /** Throws unless {@code result} is non-negative; {@code operation} reads like "bind-mount /a -> /b". */
  public static int check(int result, String operation) {
    if (result < 0) {
      String errno = lastErrno();
      throw new SyscallException(operation + ": " + errno, errno);
    }
    return result;
  }

  /** errno of this thread's last call, by name. */
  public static String lastErrno() {
    int code = RUNTIME.getLastError();
    Errno e = Errno.valueOf(code);
    return e == null || e.name().startsWith("__") ? "errno " + code : e.name();
  }

  /** True when this thread's last call failed with EINTR and may simply be repeated. */
  public static boolean interrupted() {
    return RUNTIME.getLastError() == Errno.EINTR.intValue();
  }

  public static int openDirectory(String path) {
    return check(C.open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0), "open directory " + path);
  }

  public static int openForWriting(String path) {
    return check(C.open(path, Libc.O_WRONLY | Libc.O_CLOEXEC, 0), "open for writing " + path);
  }

  public static int openReadOnly(String path) {
    return check(C.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0), "open " + path);
  }

  /** Closes a descriptor we own; a negative one means "none" and is ignored. */
  public static void closeQuietly(int fd) {
    if (fd >= 0) {
      C.close(fd);
    }
  }

  public static boolean isRoot() {
    return C.geteuid() == 0;
  }
}
