package dev.sockeye.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The requirement lines of a function's requirements.txt: comments and blank lines dropped. */
public final class Requirements {
  private Requirements() {}

  public static List<String> read(Path codeDir) {
    Path file = codeDir.resolve("requirements.txt");
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      return Files.readAllLines(file).stream()
          .map(l -> l.contains("#") ? l.substring(0, l.indexOf('#')) : l)
          .map(String::strip)
          .filter(l -> !l.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file, e);
    }
  }
}
