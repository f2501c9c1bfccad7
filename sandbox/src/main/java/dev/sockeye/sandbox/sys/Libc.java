package dev.sockeye.sandbox.sys;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.SaveError;

/**
 * The project's one libc binding (jnr-ffi): the calls jnr-posix lacks (mount, umount2, unshare, setns), the
 * Unix-socket calls the JDK lacks (sendmsg/recvmsg with SCM_RIGHTS, which the zygote manager uses to pass
 * descriptors) and the few others the sandbox code needs. Every method saves errno; {@link Sys} turns a
 * failure into a message naming the operation and operands.
 */
public interface Libc {
  Libc INSTANCE = LibraryLoader.create(Libc.class).load("c");

  long MS_RDONLY = 1;
  long MS_NOSUID = 2;
  long MS_NODEV = 4;
  long MS_REMOUNT = 32;
  long MS_BIND = 4096;
  long MS_REC = 16384;
  long MS_PRIVATE = 1 << 18;
  int MNT_DETACH = 2;
  int CLONE_NEWNET = 0x40000000;
  int O_RDONLY = 0;
  int O_WRONLY = 1;
  int O_DIRECTORY = 0x10000;
  int O_CLOEXEC = 0x80000;
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
  int mount(String source, String target, String fstype, long flags, String data);

  @SaveError
  int umount2(String target, int flags);

  @SaveError
  int unshare(int flags);

  @SaveError
  int setns(int fd, int nstype);

  @SaveError
  int open(String path, int flags, int mode);

  @SaveError
  int close(int fd);

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
  int ioctl(int fd, long request, byte[] argument);

  @SaveError
  int kill(int pid, int signal);

  int geteuid();
}
