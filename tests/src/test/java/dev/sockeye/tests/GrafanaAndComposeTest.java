package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Grafana provisioning and the compose stack, checked without running them (Grafana and the
 * images cannot be had here): the dashboard's panels all query the provisioned datasource and have
 * expressions (PrometheusScrapeTest evaluates them), and docker-compose accepts the compose file.
 */
class GrafanaAndComposeTest {
  @Test
  void everyDashboardPanelAndVariableQueriesTheProvisionedPrometheus() {
    Set<String> uids = new TreeSet<>();
    for (Path file : MonitoringFiles.list(MonitoringFiles.DATASOURCES, ".yml")) {
      MonitoringFiles.read(MonitoringFiles.YAML, file).path("datasources").forEach(d -> uids.add(d.path("uid").asText()));
    }
    List<String> wrong = new ArrayList<>();
    for (Path file : MonitoringFiles.dashboardFiles()) {
      JsonNode dashboard = MonitoringFiles.read(MonitoringFiles.JSON, file);
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asText().equals("query") && !uids.contains(variable.path("datasource").path("uid").asText())) {
          wrong.add(file.getFileName() + " / variable " + variable.path("name").asText() + ": datasource " + variable.path("datasource") + " is not provisioned (" + uids + ")");
        }
      }
      for (JsonNode panel : dashboard.path("panels")) {
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        String where = file.getFileName() + " / " + panel.path("title").asText();
        if (!uids.contains(panel.path("datasource").path("uid").asText())) {
          wrong.add(where + ": datasource " + panel.path("datasource") + " is not provisioned (" + uids + ")");
        }
        if (panel.path("targets").isEmpty()) {
          wrong.add(where + ": no query");
        }
        panel.path("targets").forEach(t -> {
          if (t.path("expr").asText().isBlank()) {
            wrong.add(where + " / " + t.path("refId").asText() + ": empty expr");
          }
        });
      }
    }
    assertEquals(List.of(), wrong);
  }

  @Test
  void dashboardDrillsDownByAFunctionVariable() {
    JsonNode dashboard = MonitoringFiles.read(MonitoringFiles.JSON, MonitoringFiles.DASHBOARDS.resolve("sockeye.json"));
    JsonNode function = null;
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("name").asText().equals("function")) {
        function = variable;
      }
    }
    assertTrue(function != null, "no `function` variable in the dashboard's templating");
    assertEquals("label_values(sockeye_invocations_total, function)", function.path("definition").asText());
    boolean repeated = false;
    for (JsonNode panel : dashboard.path("panels")) {
      repeated |= panel.path("type").asText().equals("row") && panel.path("repeat").asText().equals("function");
    }
    assertTrue(repeated, "no row repeated per function");
  }

  @Test
  void composeFileIsValidAndItsMountsExist() {
    // the files it mounts must exist whether or not docker-compose is here to read the file
    JsonNode compose = MonitoringFiles.read(MonitoringFiles.YAML, MonitoringFiles.COMPOSE);
    List<String> missing = new ArrayList<>();
    compose.path("services").fields().forEachRemaining(service -> service.getValue().path("volumes").forEach(v -> {
      String source = v.asText().split(":")[0];
      if (source.startsWith(".") && !Files.exists(MonitoringFiles.COMPOSE.getParent().resolve(source))) {
        missing.add(service.getKey() + ": " + source);
      }
    }));
    assertEquals(List.of(), missing, "bind mounts of " + MonitoringFiles.COMPOSE + " whose source is missing");

    assumeTrue(Tool.installed("docker-compose"), "docker-compose is not installed (apt-get install docker-compose):"
        + " compose/docker-compose.yml was checked for its mounts only, not validated by docker-compose config");
    Tool config = Tool.run("docker-compose", "docker-compose", "-f", MonitoringFiles.COMPOSE.toString(), "config", "-q");
    assertEquals(0, config.exitCode(), config.toString());
  }
}
