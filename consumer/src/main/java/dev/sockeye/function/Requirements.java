package dev.sockeye.function;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of a function's requirements.txt, for deploy and for the service alike: comments and
 * blank lines dropped, pip options refused. Options (-r, --index-url, -e ...) would let a function read
 * other files or pick its own index; where packages come from is the operator's choice, made on
 * {@code sockeye run}.
 */
public final class Requirements {
  private Requirements() {}

  /** The requirement lines of {@code codeDir/requirements.txt}; empty when there is none. */
  public static List<String> read(Path codeDir) {
    Path file = codeDir.resolve("requirements.txt");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String req = (line.contains("#") ? line.substring(0, line.indexOf('#')) : line).strip();
      if (req.startsWith("-")) {
        throw new InvalidFunctionException(file, null, "line " + (i + 1) + ": pip options ('" + req
            + "') are not allowed; give package sources to `sockeye run` instead");
      }
      if (!req.isEmpty()) {
        out.add(req);
      }
    }
    return out;
  }
}
