package dev.sockeye.sandbox.mount;

import dev.sockeye.sandbox.sys.Libc;
import dev.sockeye.sandbox.sys.Sys;
import java.nio.file.Path;

/**
 * The mount operations a sandbox is built from, each a direct syscall (no shelling out). Blocking but fast
 * (tens of microseconds); callers run them on worker threads, never on an event loop. Stateless.
 */
public final class Mounts {
  private Mounts() {}

  /** A read-only bind takes two calls: the bind, then a remount that sets the read-only flag on it. */
  public static void bindReadOnly(Path source, Path target) {
    bind(source, target, false);
    Sys.check(Sys.C.mount(null, target.toString(), null, Libc.MS_BIND | Libc.MS_REMOUNT | Libc.MS_RDONLY
        | Libc.MS_NOSUID, null), "remount read-only " + target);
  }

  /** Binds {@code source} with every mount below it; read-only flags of the copied mounts are kept. */
  public static void bindRecursive(Path source, Path target) {
    bind(source, target, true);
  }

  public static void bind(Path source, Path target, boolean recursive) {
    long flags = Libc.MS_BIND | (recursive ? Libc.MS_REC : 0);
    Sys.check(Sys.C.mount(source.toString(), target.toString(), null, flags, null),
        (recursive ? "recursive bind-mount " : "bind-mount ") + source + " -> " + target);
  }

  /** A private tmpfs of at most {@code sizeMb} MiB owned by {@code uid}; no devices, no setuid programs. */
  public static void tmpfs(Path target, int sizeMb, int uid, String mode) {
    String options = "size=" + sizeMb + "m,mode=" + mode + ",uid=" + uid + ",gid=" + uid;
    Sys.check(Sys.C.mount("tmpfs", target.toString(), "tmpfs", Libc.MS_NOSUID | Libc.MS_NODEV, options),
        "mount tmpfs (" + options + ") on " + target);
  }

  public static void remountReadOnly(Path target) {
    Sys.check(Sys.C.mount(null, target.toString(), null, Libc.MS_REMOUNT | Libc.MS_RDONLY | Libc.MS_NOSUID
        | Libc.MS_NODEV, null), "remount read-only " + target);
  }

  /**
   * Binds {@code dir} onto itself and makes it private, so nothing mounted below it propagates to other mount
   * namespaces (or back from them).
   */
  public static void makePrivateMountPoint(Path dir) {
    bind(dir, dir, false);
    Sys.check(Sys.C.mount(null, dir.toString(), null, Libc.MS_PRIVATE | Libc.MS_REC, null),
        "make mount " + dir + " private");
  }

  /** Lazily detaches {@code target} and everything mounted below it. */
  public static void detach(Path target) {
    Sys.check(Sys.C.umount2(target.toString(), Libc.MNT_DETACH), "umount (detach) " + target);
  }
}
