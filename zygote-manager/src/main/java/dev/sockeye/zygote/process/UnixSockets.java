package dev.sockeye.zygote.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Helpers for blocking Unix-domain stream sockets. Stateless. */
public final class UnixSockets {
  /** sun_path holds 108 bytes including the terminating NUL. */
  public static final int MAX_PATH_BYTES = 107;

  private UnixSockets() {}

  public static Path requireShortEnough(Path path) {
    int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_PATH_BYTES) {
      throw new IllegalArgumentException("socket path " + path + " is " + bytes + " bytes; Unix sockets allow at most "
          + MAX_PATH_BYTES + " (sun_path), so choose a shorter workDir");
    }
    return path;
  }

  /** Connects in blocking mode; {@code what} names the peer in the error message. */
  public static SocketChannel connect(Path path, String what) {
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(path));
      return channel;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("connect to " + what + " at " + path + ": " + e.getMessage(), e);
    }
  }

  public static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // Closing is best effort during cleanup; the resource is unusable either way.
    }
  }

  public static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // A leftover socket file is harmless: the next bind unlinks it first.
    }
  }
}
