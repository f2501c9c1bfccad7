package dev.sockeye.sandbox.rootfs;

import dev.sockeye.sandbox.mount.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only base every sandbox root is a recursive bind of, composed once at start on a small tmpfs: the
 * source's system directories bound read-only (the host's /usr and /etc by default, or every directory of a
 * debootstrapped image), its top-level symlinks (/bin -> usr/bin) copied, a few device nodes, the package store
 * at /packages, empty mount points for /handler, /host and /tmp, and sensitive paths covered by empty,
 * unreadable files and directories. The host's own tree is never written to.
 *
 * <p>Immutable after construction; {@link #close()} detaches the whole composition. Built and closed by
 * {@code Sandboxes} on the thread that starts and stops the service.
 */
public final class BaseRoot implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BaseRoot.class);
  /** What the default base takes from the host; everything else (/home, /root, /var, /srv, /tmp...) is absent. */
  static final List<String> HOST_DIRECTORIES = List.of("usr", "etc");
  /** An image is ours, so it contributes more; /dev, /proc, /sys, /tmp, /run, /home and /root never come along. */
  static final List<String> IMAGE_DIRECTORIES = List.of("usr", "etc", "var", "opt");
  /** /proc stays empty in a zygote; an instance mounts the procfs of its own PID namespace there. */
  static final List<String> MOUNT_POINTS = List.of("handler", "packages", "host", "tmp", "dev", "proc");
  static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom");
  /** Secrets inside the directories the host base shares; covered even though handlers run unprivileged. */
  static final List<String> ALWAYS_HIDDEN = List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
      "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh", "/etc/ssl/private", "/etc/machine-id");

  private final Path mountPoint;
  private volatile boolean mounted;

  private BaseRoot(Path mountPoint) {
    this.mountPoint = mountPoint;
  }

  /**
   * Composes the base at {@code mountPoint}. {@code source} is "/" for the host or an image directory;
   * {@code hidden} adds paths (data directory, Kafka log directory) to cover; {@code blank} is a directory the
   * caller owns for the empty stand-ins. On failure, everything mounted so far is detached.
   */
  public static BaseRoot compose(Path source, Path packages, List<Path> hidden, Path mountPoint, Path blank) {
    BaseRoot base = new BaseRoot(mountPoint);
    try {
      base.build(source, packages, hidden, blank);
      return base;
    } catch (RuntimeException e) {
      base.close();
      throw e;
    }
  }

  private void build(Path source, Path packages, List<Path> hidden, Path blank) {
    mkdirs(mountPoint);
    Mounts.tmpfs(mountPoint, 1, 0, "0755");
    mounted = true;
    boolean host = source.equals(Path.of("/"));
    for (String name : host ? HOST_DIRECTORIES : IMAGE_DIRECTORIES) {
      bindDirectory(source.resolve(name), name);
    }
    copyTopLevelSymlinks(source);
    MOUNT_POINTS.forEach(name -> mkdirs(mountPoint.resolve(name)));
    for (String device : DEVICES) {
      Path target = touch(mountPoint.resolve("dev").resolve(device));
      Mounts.bind(Path.of("/dev").resolve(device), target, false);
    }
    Mounts.bindReadOnly(packages, mountPoint.resolve("packages"));
    hide(source, hidden, blank);
    Mounts.remountReadOnly(mountPoint);
  }

  private void bindDirectory(Path dir, String name) {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Path target = mkdirs(mountPoint.resolve(name));
      Mounts.bindReadOnly(dir, target);
    }
  }

  /** Merged-/usr systems link /bin, /lib, /lib64 and /sbin into /usr; the same links make the base work. */
  private void copyTopLevelSymlinks(Path source) {
    try (var entries = Files.list(source)) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        Path target = mountPoint.resolve(entry.getFileName().toString());
        if (Files.isSymbolicLink(entry) && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.createSymbolicLink(target, Files.readSymbolicLink(entry));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("copy top-level symlinks of " + source + " into " + mountPoint + ": " + e, e);
    }
  }

  /** Covers each hidden path that the base would otherwise show with an empty, mode-000 file or directory. */
  private void hide(Path source, List<Path> extra, Path blank) {
    Path emptyDir = mkdirs(blank.resolve("dir"));
    Path emptyFile = touch(blank.resolve("file"));
    setNoAccess(emptyDir);
    setNoAccess(emptyFile);
    List<Path> all = new java.util.ArrayList<>(ALWAYS_HIDDEN.stream().map(Path::of).toList());
    all.addAll(extra);
    for (Path hiddenOnHost : all) {
      Path absolute = hiddenOnHost.toAbsolutePath().normalize();
      Path inSource = source.resolve(absolute.toString().substring(1));
      Path inBase = mountPoint.resolve(absolute.toString().substring(1));
      if (!Files.exists(inSource, LinkOption.NOFOLLOW_LINKS) || !Files.exists(inBase, LinkOption.NOFOLLOW_LINKS)) {
        continue; // not part of the base at all: nothing to cover
      }
      Mounts.bind(Files.isDirectory(inBase, LinkOption.NOFOLLOW_LINKS) ? emptyDir : emptyFile, inBase, false);
      LOG.debug("hid {} in the sandbox base", absolute);
    }
  }

  public Path mountPoint() {
    return mountPoint;
  }

  /** Detaches the base and all its binds. Idempotent; sandboxes already made keep their own copies until closed. */
  @Override
  public void close() {
    if (mounted) {
      mounted = false;
      Mounts.detach(mountPoint);
    }
  }

  static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("create directory " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Path touch(Path file) {
    try {
      return Files.exists(file) ? file : Files.createFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException("create file " + file + ": " + e.getMessage(), e);
    }
  }

  private static void setNoAccess(Path path) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("---------"));
    } catch (IOException e) {
      throw new UncheckedIOException("chmod 000 " + path + ": " + e.getMessage(), e);
    }
  }
}
