package dev.sockeye.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A status document as text: functions, then the zygote tree indented by depth. */
final class StatusFormat {
  private StatusFormat() {}

  static String render(JsonNode s, Instant now) {
    StringBuilder sb = new StringBuilder();
    long age = (now.toEpochMilli() - s.path("at").asLong()) / 1000;
    sb.append(String.format("service %s (reported %d s ago)%n", s.path("service").asText(), age));
    sb.append(String.format("  package store: %.1f MB%n", s.path("package_store_bytes").asLong() / 1e6));
    sb.append("  functions:\n");
    s.path("functions").fields().forEachRemaining(e -> {
      JsonNode f = e.getValue();
      sb.append(String.format("    %-20s %s instances=%d busy=%d idle=%d (frozen %d) waiting=%d%s%s%n", e.getKey(),
          f.path("version").asText("-").substring(0, Math.min(12, f.path("version").asText("-").length())),
          f.path("instances").asInt(), f.path("busy").asInt(), f.path("idle").asInt(), f.path("frozen").asInt(), f.path("waiting").asInt(),
          f.has("zygote") ? String.format(" zygote=node %d %s (%s)", f.path("zygote").path("node").asInt(),
              f.path("zygote").path("state").asText(), String.join(" ", packages(f.path("zygote").path("packages")))) : "",
          f.has("error") ? "\n      ERROR: " + f.path("error").asText() : ""));
    });
    sb.append("  zygote tree:\n");
    Map<Integer, List<JsonNode>> children = new HashMap<>();
    s.path("zygotes").forEach(z -> children.computeIfAbsent(z.path("parent").asInt(), k -> new java.util.ArrayList<>()).add(z));
    render(sb, children, -1, 2);
    return sb.toString();
  }

  private static void render(StringBuilder sb, Map<Integer, List<JsonNode>> children, int parent, int depth) {
    for (JsonNode z : children.getOrDefault(parent, List.of())) {
      sb.append(" ".repeat(depth * 2)).append(String.format("#%d %s%s pid=%s mem=%.1fMB hits=%d saves=%.1fms replicas=%d children=%d%n",
          z.path("id").asInt(), z.path("packages").isEmpty() ? "(runtime)" : z.path("packages").toString(),
          z.path("tenant").asText().isEmpty() ? "" : " tenant=" + z.path("tenant").asText(),
          z.path("pid").asLong() < 0 ? "-" : z.path("pid").asText(), z.path("pss_bytes").asLong() / 1e6,
          z.path("hits").asLong(), z.path("saved_us").asLong() / 1000.0, z.path("replicas").asInt(),
          children.getOrDefault(z.path("id").asInt(), List.of()).size()));
      render(sb, children, z.path("id").asInt(), depth + 1);
    }
  }

  private static List<String> packages(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(p -> out.add(p.asText()));
    return out;
  }
}
