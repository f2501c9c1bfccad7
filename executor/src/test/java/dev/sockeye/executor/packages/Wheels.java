package dev.sockeye.executor.packages;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds small pure-Python wheels at test time, so package tests are hermetic: pip installs them
 * offline with --no-index --find-links. Importing a wheel's module sleeps {@code importMillis}, which
 * stands in for the import cost of a real library.
 */
public final class Wheels {
  private final Path dir;

  public Wheels(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public Wheels add(String name, String version, int importMillis, String... requires) {
    String module = name.replace('-', '_');
    String dist = module + "-" + version;
    Map<String, String> files = new LinkedHashMap<>();
    files.put(module + "/__init__.py", "import time\ntime.sleep(" + importMillis / 1000.0 + ")\nVERSION = '" + version + "'\n");
    StringBuilder meta = new StringBuilder("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
    for (String r : requires) {
      meta.append("Requires-Dist: ").append(r).append('\n');
    }
    files.put(dist + ".dist-info/METADATA", meta.toString());
    files.put(dist + ".dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: sockeye-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
    files.put(dist + ".dist-info/top_level.txt", module + "\n");
    StringBuilder record = new StringBuilder();
    files.keySet().forEach(f -> record.append(f).append(",,\n"));
    files.put(dist + ".dist-info/RECORD", record + dist + ".dist-info/RECORD,,\n");
    write(dir.resolve(dist + "-py3-none-any.whl"), files);
    return this;
  }

  /** pip settings that see only these wheels. */
  public PipSettings pip() {
    return new PipSettings(Path.of("/usr/bin/python3"), null, List.of(dir.toString()), true, java.time.Duration.ofMinutes(2), 1L << 30);
  }

  private static void write(Path wheel, Map<String, String> files) {
    try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
      for (var f : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(f.getKey()));
        zip.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("write " + wheel, e);
    }
  }
}
