package dev.sockeye.executor.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns requirements, pinned or not, into their full dependency closure with pip's own resolver
 * ({@code pip install --dry-run --report}), ignoring whatever the host has installed so that the
 * closure is complete. Blocking; stateless.
 */
final class Resolver {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Pip pip;

  Resolver(Pip pip) {
    this.pip = pip;
  }

  List<Distribution> resolve(List<String> requirements, String source) {
    if (requirements.isEmpty()) {
      return List.of();
    }
    Path dir = null;
    try {
      dir = Files.createTempDirectory("sockeye-resolve-");
      Path reqs = Files.write(dir.resolve("requirements.txt"), requirements);
      Path report = dir.resolve("report.json");
      pip.run("resolve " + source, List.of("install", "--dry-run", "--ignore-installed", "--quiet",
          "--report", report.toString(), "-r", reqs.toString()));
      return parse(JSON.readTree(report.toFile()), source);
    } catch (IOException e) {
      throw new UncheckedIOException("resolve " + source, e);
    } finally {
      deleteTree(dir);
    }
  }

  private static List<Distribution> parse(JsonNode report, String source) {
    List<Distribution> out = new ArrayList<>();
    for (JsonNode item : report.path("install")) {
      JsonNode meta = item.path("metadata");
      String url = item.path("download_info").path("url").asText(null);
      if (url == null) {
        throw new PackageInstallException("resolve " + source + ": pip reported " + meta.path("name").asText() + " without a location");
      }
      out.add(new Distribution(meta.path("name").asText(), meta.path("version").asText(), url));
    }
    return out;
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("delete " + dir, e);
    }
  }
}
