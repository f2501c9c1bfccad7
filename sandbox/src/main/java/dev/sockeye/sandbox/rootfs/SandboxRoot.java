package dev.sockeye.sandbox.rootfs;

import dev.sockeye.sandbox.mount.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One sandbox's root: a recursive bind of the base (read-only), the handler's code read-only at /handler, and
 * two size-limited tmpfs owned by the sandbox's uid: /host (scratch; holds the instance socket) and /tmp.
 * Five mount calls; teardown is one lazy unmount and an rmdir, and the tmpfs contents vanish with it.
 *
 * <p>Owned by one {@code Sandbox}; {@link #close()} is idempotent and safe after a partial construction.
 */
public final class SandboxRoot implements AutoCloseable {
  private final Path path;
  private boolean mounted; // guarded by this
  private boolean closed; // guarded by this

  private SandboxRoot(Path path) {
    this.path = path;
  }

  /** Builds the root at {@code path} (created here); {@code code} may be null (a zygote has no handler). */
  public static SandboxRoot create(BaseRoot base, Path path, Path code, int uid, int scratchMb) {
    SandboxRoot root = new SandboxRoot(path);
    try {
      root.build(base, code, uid, scratchMb);
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  private synchronized void build(BaseRoot base, Path code, int uid, int scratchMb) {
    try {
      Files.createDirectory(path);
    } catch (IOException e) {
      throw new UncheckedIOException("create sandbox root " + path + ": " + e.getMessage(), e);
    }
    Mounts.bindRecursive(base.mountPoint(), path);
    mounted = true;
    if (code != null) {
      Mounts.bindReadOnly(code, path.resolve("handler"));
    }
    Mounts.tmpfs(path.resolve("host"), scratchMb, uid, "0700");
    Mounts.tmpfs(path.resolve("tmp"), scratchMb, uid, "0700");
  }

  public Path path() {
    return path;
  }

  /** Detaches every mount of this root and removes its directory. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (mounted) {
      Mounts.detach(path);
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("remove sandbox root " + path + ": " + e.getMessage(), e);
    }
  }
}
