package dev.sockeye.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes function directories for tests: a function.yaml and an f.py. */
final class TestFunctions {
  private TestFunctions() {}

  static Path write(Path parent, String name, String topic, String extraYaml, String python) {
    try {
      Path dir = Files.createDirectories(parent.resolve(name));
      Files.writeString(dir.resolve("function.yaml"),
          "name: " + name + "\ntriggers:\n  kafka:\n    topics: [" + topic + "]\n" + extraYaml);
      Files.writeString(dir.resolve("f.py"), python);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
