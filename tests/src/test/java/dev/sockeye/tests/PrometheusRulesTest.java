package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * prometheus/'s rules and configuration checked by the tools that load them: promtool (Debian's
 * {@code prometheus} package) and amtool ({@code prometheus-alertmanager}), and the rules' unit tests
 * run by {@code promtool test rules}.
 */
class PrometheusRulesTest {
  @TempDir Path scratch;

  @Test
  void alertRulesLoadInPromtool() {
    Tool check = Tool.run("prometheus", "promtool", "check", "rules", MonitoringFiles.ALERTS.toString());

    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.output().contains("SUCCESS: " + MonitoringFiles.alerts().size() + " rules found"), check.toString());
  }

  @Test
  void everyAlertsUnitTestsPassInPromtool() {
    Tool test = promtoolTest(MonitoringFiles.ruleTestFiles());

    assertEquals(0, test.exitCode(), test.toString());
    assertTrue(test.output().contains("SUCCESS"), test.toString());
  }

  @Test
  void everyAlertIsTestedSilentBeforeItsForAndFiringAfter() {
    Set<String> silent = new HashSet<>();
    Set<String> firing = new HashSet<>();
    for (Path file : MonitoringFiles.ruleTestFiles()) {
      for (JsonNode test : MonitoringFiles.read(MonitoringFiles.YAML, file).path("tests")) {
        for (JsonNode check : test.path("alert_rule_test")) {
          String name = check.path("alertname").asText();
          (check.path("exp_alerts").isEmpty() ? silent : firing).add(name);
        }
      }
    }
    List<String> untested = new ArrayList<>();
    for (String alert : MonitoringFiles.alerts().keySet()) {
      if (!silent.contains(alert) || !firing.contains(alert)) {
        untested.add(alert + (silent.contains(alert) ? "" : " (no silent case)") + (firing.contains(alert) ? "" : " (no firing case)"));
      }
    }
    assertEquals(List.of(), untested, "alerts of " + MonitoringFiles.ALERTS + " without unit tests in " + MonitoringFiles.RULE_TESTS);
  }

  @Test
  void unitTestsFailWhenAThresholdChanges() throws Exception {
    // The same tests against a copy of the rules whose lag threshold moved: promtool must say so.
    Path rules = Files.writeString(scratch.resolve("alerts.yml"),
        Files.readString(MonitoringFiles.ALERTS).replace("(sockeye_consumer_lag_seconds) > 60", "(sockeye_consumer_lag_seconds) > 600"));
    Path tests = Files.createDirectories(scratch.resolve("tests"));
    for (Path file : MonitoringFiles.ruleTestFiles()) {
      Files.copy(file, tests.resolve(file.getFileName()));
    }
    assertNotEquals(Files.readString(MonitoringFiles.ALERTS), Files.readString(rules), "the mutation must change the rules");

    Tool test = promtoolTest(MonitoringFiles.list(tests, ".yml"));

    assertNotEquals(0, test.exitCode(), test.toString());
    assertTrue(test.output().contains("FAILED") && test.output().contains("alertname: SockeyeConsumerLagHigh"), test.toString());
  }

  @Test
  void prometheusConfigLoadsInPromtool() {
    Tool check = Tool.run("prometheus", "promtool", "check", "config", MonitoringFiles.CONFIG.toString());

    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.output().contains("is valid prometheus config file syntax"), check.toString());
  }

  @Test
  void alertmanagerConfigLoadsInAmtool() {
    Tool check = Tool.run("prometheus-alertmanager", "amtool", "check-config", MonitoringFiles.ALERTMANAGER.toString());

    assertEquals(0, check.exitCode(), check.toString());
    assertTrue(check.output().contains("SUCCESS"), check.toString());
  }

  private static Tool promtoolTest(List<Path> files) {
    List<String> command = new ArrayList<>(List.of("promtool", "test", "rules"));
    files.forEach(f -> command.add(f.toString()));
    return Tool.run("prometheus", command.toArray(String[]::new));
  }
}
