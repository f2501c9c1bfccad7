package dev.sockeye.executor.packages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The modules a distribution puts at the top of {@code sys.path}: what a zygote holding it imports.
 * From {@code top_level.txt} when the wheel has one, else from the files it installed. Only names
 * that really exist in the install are kept. Stateless.
 */
final class TopLevelModules {
  private TopLevelModules() {}

  static List<String> of(Path installDir, Distribution d) {
    Set<String> names = new LinkedHashSet<>();
    try (Stream<Path> entries = Files.list(installDir)) {
      List<Path> all = entries.toList();
      for (Path p : all) {
        String n = p.getFileName().toString();
        if (n.endsWith(".dist-info") && Files.isRegularFile(p.resolve("top_level.txt"))) {
          Files.readAllLines(p.resolve("top_level.txt")).stream().map(String::strip)
              .filter(m -> !m.isEmpty() && !m.contains("/")).forEach(names::add);
        }
      }
      if (names.isEmpty()) {
        all.stream().map(TopLevelModules::moduleName).filter(m -> m != null).forEach(names::add);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("list modules of " + d.key() + " in " + installDir, e);
    }
    return names.stream().filter(m -> exists(installDir, m)).toList();
  }

  private static String moduleName(Path p) {
    String n = p.getFileName().toString();
    if (n.startsWith(".") || n.endsWith(".dist-info") || n.endsWith(".data") || n.equals("bin") || n.equals("__pycache__")) {
      return null;
    }
    if (Files.isDirectory(p)) {
      return Files.isRegularFile(p.resolve("__init__.py")) ? n : null;
    }
    if (n.endsWith(".py")) {
      return n.substring(0, n.length() - 3);
    }
    return n.endsWith(".so") ? n.substring(0, n.indexOf('.')) : null;
  }

  private static boolean exists(Path dir, String module) {
    if (Files.isDirectory(dir.resolve(module)) || Files.isRegularFile(dir.resolve(module + ".py"))) {
      return true;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith(module + ".") && p.getFileName().toString().endsWith(".so"));
    } catch (IOException e) {
      return false;
    }
  }
}
