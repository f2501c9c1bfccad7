package dev.sockeye.tests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The operator files under {@code prometheus/} and {@code compose/} as tests read them: alert rules
 * by name, every PromQL expression of the Grafana dashboard, and the promtool unit test files.
 */
final class MonitoringFiles {
  static final Path PROMETHEUS = Path.of("../prometheus");
  static final Path ALERTS = PROMETHEUS.resolve("alerts.yml");
  static final Path CONFIG = PROMETHEUS.resolve("prometheus.yml");
  static final Path ALERTMANAGER = PROMETHEUS.resolve("alertmanager.yml");
  static final Path RULE_TESTS = PROMETHEUS.resolve("tests");
  static final Path DASHBOARDS = PROMETHEUS.resolve("grafana/dashboards");
  static final Path DATASOURCES = PROMETHEUS.resolve("grafana/provisioning/datasources");
  static final Path COMPOSE = Path.of("../compose/docker-compose.yml");

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  static final ObjectMapper JSON = new ObjectMapper();

  /** A comparison with a number ({@code > 60}, {@code == 0}): what makes an alert's expression a condition. */
  private static final Pattern COMPARISON = Pattern.compile("\\s*(==|!=|>=|<=|>|<)\\s*(bool\\s+)?-?[0-9][0-9.eE+]*");

  private MonitoringFiles() {}

  /** Alert name → expression, in file order. */
  static Map<String, String> alerts() {
    Map<String, String> alerts = new LinkedHashMap<>();
    for (JsonNode group : read(YAML, ALERTS).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          alerts.put(rule.get("alert").asText(), rule.get("expr").asText().trim());
        }
      }
    }
    return alerts;
  }

  /**
   * The alert's expression without its comparisons with numbers: the quantities it watches, which
   * return data whenever the metrics behind the alert exist, healthy or not.
   */
  static String withoutThreshold(String expr) {
    return COMPARISON.matcher(expr).replaceAll("");
  }

  /** Every panel's expressions of every dashboard, keyed by "dashboard file / panel title / refId". */
  static Map<String, String> dashboardExpressions() {
    Map<String, String> out = new LinkedHashMap<>();
    for (Path file : dashboardFiles()) {
      collectPanels(file.getFileName().toString(), read(JSON, file).path("panels"), out);
    }
    return out;
  }

  private static void collectPanels(String file, JsonNode panels, Map<String, String> out) {
    for (JsonNode panel : panels) {
      collectPanels(file, panel.path("panels"), out); // panels of a collapsed row
      for (JsonNode target : panel.path("targets")) {
        out.put(file + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(), target.path("expr").asText());
      }
    }
  }

  static List<Path> dashboardFiles() {
    return list(DASHBOARDS, ".json");
  }

  static List<Path> ruleTestFiles() {
    return list(RULE_TESTS, ".yml");
  }

  static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return new ArrayList<>(files.filter(f -> f.toString().endsWith(suffix)).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + dir.toAbsolutePath(), e);
    }
  }

  static JsonNode read(ObjectMapper mapper, Path file) {
    try {
      return mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file.toAbsolutePath(), e);
    }
  }
}
