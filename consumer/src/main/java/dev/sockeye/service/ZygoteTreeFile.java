package dev.sockeye.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An initial zygote tree, as OpenLambda's import_cache_tree but with requirements rather than bare
 * names, so versions resolve like a function's. YAML or JSON:
 *
 * <pre>
 * nodes:
 *   - requirements: [numpy]
 *     children:
 *       - requirements: [pandas]      # holds numpy and pandas
 *   - requirements: [pillow]
 *     tenant: acme                    # optional; children inherit it
 * </pre>
 */
public final class ZygoteTreeFile {
  /** One node to build: its tenant and everything it holds (its ancestors' requirements and its own). */
  public record Seed(String tenant, List<String> requirements) {}

  private ZygoteTreeFile() {}

  /** Parents come before their children. Errors name the file and the node's path. */
  public static List<Seed> read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": not valid YAML or JSON: " + e.getMessage(), e);
    }
    List<Seed> out = new ArrayList<>();
    walk(file, root == null ? null : root.get("nodes"), "nodes", "", List.of(), out);
    return out;
  }

  private static void walk(Path file, JsonNode nodes, String where, String tenant, List<String> inherited, List<Seed> out) {
    if (nodes == null || nodes.isNull()) {
      return;
    }
    if (!nodes.isArray()) {
      throw new IllegalArgumentException(file + ": field '" + where + "' must be a list of nodes");
    }
    for (int i = 0; i < nodes.size(); i++) {
      JsonNode n = nodes.get(i);
      String path = where + "[" + i + "]";
      JsonNode reqs = n.get("requirements");
      if (reqs == null || !reqs.isArray() || reqs.isEmpty()) {
        throw new IllegalArgumentException(file + ": field '" + path + ".requirements' must be a non-empty list");
      }
      List<String> all = new ArrayList<>(inherited);
      reqs.forEach(r -> all.add(r.asText()));
      String t = n.hasNonNull("tenant") ? n.get("tenant").asText() : tenant;
      out.add(new Seed(t, all));
      walk(file, n.get("children"), path + ".children", t, all, out);
    }
  }
}
