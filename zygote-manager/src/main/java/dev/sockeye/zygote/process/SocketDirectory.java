package dev.sockeye.zygote.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The short directory that holds every zygote and instance socket, so paths stay under the sun_path limit.
 * Immutable apart from the files in it; usable from any thread.
 */
public final class SocketDirectory implements AutoCloseable {
  /** The longest name handed out in practice: "i" + 10 digits + ".sock". */
  private static final String WORST_CASE_NAME = "i0123456789.sock";

  private final Path dir;

  private SocketDirectory(Path dir) {
    this.dir = dir;
  }

  public static SocketDirectory create(Path dir) {
    UnixSockets.requireShortEnough(dir.toAbsolutePath().resolve(WORST_CASE_NAME));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("create socket directory " + dir + ": " + e.getMessage(), e);
    }
    return new SocketDirectory(dir.toAbsolutePath());
  }

  public Path dir() {
    return dir;
  }

  /** The path for socket {@code shortName} (e.g. "z0" or "i42"); nothing is created. */
  public Path socket(String shortName) {
    return UnixSockets.requireShortEnough(dir.resolve(shortName + ".sock"));
  }

  /**
   * Deletes any socket file still present. Owners delete their own sockets; this sweep catches files whose
   * owner never learned about them (e.g. a fork that failed after the zygote had bound the socket). Idempotent.
   */
  @Override
  public void close() {
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(dir, "*.sock")) {
      sockets.forEach(UnixSockets::deleteQuietly);
    } catch (IOException ignored) {
      // The directory is gone or unreadable: there is nothing left that we could delete.
    }
  }
}
