package dev.sockeye.control;

import dev.sockeye.schemas.FunctionCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.UUID;

/**
 * Function code on local disk at {@code <dir>/<name>/<version>/}. A version directory appears
 * whole or not at all (written aside, then renamed), and is never rewritten: same version, same bytes.
 */
final class CodeStore {
  private final Path dir;

  CodeStore(Path dir) {
    this.dir = dir;
  }

  Path materialize(FunctionCode code) {
    Path target = dir.resolve(code.getName()).resolve(code.getVersion());
    if (Files.isDirectory(target)) {
      return target;
    }
    Path tmp = dir.resolve(code.getName()).resolve(".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      for (Map.Entry<String, ByteBuffer> f : code.getFiles().entrySet()) {
        Path file = tmp.resolve(f.getKey()).normalize();
        if (!file.startsWith(tmp) || Path.of(f.getKey()).isAbsolute()) {
          throw new IllegalArgumentException("code of " + code.getName() + " names a path outside its directory: " + f.getKey());
        }
        Files.createDirectories(file.getParent());
        ByteBuffer b = f.getValue().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        Files.write(file, bytes);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("write code of " + code.getName() + " to " + target, e);
    }
  }
}
