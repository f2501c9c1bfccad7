package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code sockeye run} scraped every second by Debian's real Prometheus server, after OK events,
 * errors, timeouts and dead letters in both delivery modes: every metric of the contract, every PromQL
 * expression of every dashboard panel and every alert rule's expression (without its threshold)
 * returns data from Prometheus's HTTP API.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class PrometheusScrapeTest {
  /** What Grafana would put for the dashboard's variables: both functions selected, every instance. */
  private static final Map<String, String> VARIABLES = Map.of(
      "${function}", "(mon|moneo)", "$function", "(mon|moneo)", "$instance", ".*", "$__rate_interval", "1m");

  @TempDir Path functions;
  @TempDir Path data;
  @TempDir Path prometheusDir;

  @Test
  void everyContractMetricDashboardPanelAndAlertExpressionReturnsData() throws Exception {
    assertTrue(Tool.installed("prometheus"), "prometheus is not installed: apt-get install -y --no-install-recommends prometheus (.ci/run installs it)");
    Cluster.createTopic("mon-in", 2);
    Cluster.createTopic("moneo-in", 1);
    deploy("mon", "mon-in", "concurrency: 2\ntimeout_ms: 1500\n", "max_attempts: 2\n    backoff_initial_ms: 50\n    backoff_max_ms: 100\n");
    deploy("moneo", "moneo-in", "", "delivery: exactly-once\n");
    int metricsPort = PrometheusServer.freePort();

    try (ChildService service = ChildService.start(SharedKafka.bootstrap(), data, "--metrics-port", Integer.toString(metricsPort), "--metrics-host", "127.0.0.1");
         PrometheusServer prometheus = PrometheusServer.start(prometheusDir, "127.0.0.1:" + metricsPort, MonitoringFiles.ALERTS)) {
      List<String> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        events.add(i % 10 == 3 ? "{\"i\": " + i + ", \"bad\": true}" : i == 25 ? "{\"i\": 25, \"sleep\": true}" : "{\"i\": " + i + "}");
      }
      Cluster.send("mon-in", null, Cluster.json(events));
      Cluster.send("moneo-in", 0, Cluster.json(List.of("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}")));
      // generous: the service starts its zygotes and forks under whatever else loads the machine
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        assertEquals(40, Cluster.allResults("mon-in.results").size(), () -> "results of mon; " + tail(service.log()));
        assertEquals(3, Cluster.allResults("moneo-in.results").size(), () -> "results of moneo; " + tail(service.log()));
      });

      Map<String, String> expressions = new LinkedHashMap<>();
      contract().forEach(e -> expressions.put("contract: " + e, e));
      MonitoringFiles.dashboardExpressions().forEach((where, e) -> expressions.put(where, substitute(e)));
      MonitoringFiles.alerts().forEach((alert, e) -> expressions.put("alert " + alert, MonitoringFiles.withoutThreshold(e)));
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
          assertEquals(List.of(), withoutData(prometheus, expressions), "expressions without data; target " + prometheus.targetHealth()
              + "; prometheus log: " + prometheus.log() + "; " + tail(service.log())));
      System.out.printf("PrometheusScrapeTest: %d expressions returned data; only NaN (no observations in the window): %s%n",
          expressions.size(), onlyNaN(prometheus, expressions));
      service.stop();
    }
  }

  /** Every metric name and label value the operator files may rely on, as PromQL selectors. */
  private static List<String> contract() {
    List<String> c = new ArrayList<>(List.of(
        "up{job=\"sockeye\"} == 1",
        "sockeye_invocations_total{function=\"mon\", status=\"OK\", start_kind!=\"\"}",
        "sockeye_invocations_total{function=\"mon\", status=\"ERROR\"}",
        "sockeye_invocations_total{function=\"mon\", status=\"TIMEOUT\"}",
        "sockeye_records_completed_total{function=\"mon\", outcome=\"result\"}",
        "sockeye_records_completed_total{function=\"mon\", outcome=\"dead_letter\"}",
        "sockeye_retries_total{function=\"mon\"} > 0",
        "sockeye_dead_letters_total{function=\"mon\", reason!=\"\"} > 0",
        "sockeye_event_to_result_seconds_bucket{function=\"mon\", le=\"+Inf\"} > 0",
        "sockeye_cold_start_seconds_bucket{function=\"mon\", start_kind!=\"\", le=\"+Inf\"} > 0",
        "sockeye_sandbox_create_seconds_bucket{le=\"+Inf\"} > 0",
        "sockeye_sandbox_destroy_seconds_bucket{le=\"+Inf\"} > 0",
        "sockeye_instance_starts_total{function=\"mon\", start_kind!=\"\"} > 0",
        "sockeye_invocations_in_flight{function=\"mon\"}",
        "sockeye_zygote_nodes", "sockeye_zygote_memory_bytes", "sockeye_zygote_memory_budget_bytes",
        "sockeye_zygote_lookups_total{result=~\"best|ancestor|root\"}",
        "sockeye_package_store_bytes",
        "sockeye_consumer_lag_records{group=\"sockeye-mon\", topic=\"mon-in\", partition=\"1\"}",
        "sockeye_consumer_lag_seconds{group=\"sockeye-mon\", topic=\"mon-in\", partition=\"1\"}",
        "sockeye_consumer_committed_offset{group=\"sockeye-mon\", topic=\"mon-in\", partition=\"1\"} > 0",
        "sockeye_consumer_end_offset{group=\"sockeye-mon\", topic=\"mon-in\", partition=\"1\"} > 0",
        "sockeye_partitions_assigned{group=\"sockeye-mon\", topic=\"mon-in\"} == 2",
        "sockeye_partitions_paused{group=\"sockeye-mon\", topic=\"mon-in\"}",
        "sockeye_rebalances_total{group=\"sockeye-mon\"}",
        "sockeye_transactions_total{function=\"moneo\", result=\"committed\"} > 0",
        "{__name__=~\"kafka_consumer_.+\"}", "{__name__=~\"kafka_producer_.+\"}",
        "{__name__=~\"jvm_.+\"}", "{__name__=~\"process_.+\"}",
        "sockeye_build_info{version!=\"\", java_version!=\"\"}"));
    for (String phase : List.of("queued", "sandbox", "fork", "import", "handler", "publish")) {
      c.add("sockeye_phase_seconds_bucket{function=\"mon\", phase=\"" + phase + "\", le=\"+Inf\"} > 0");
    }
    for (String state : List.of("busy", "idle", "frozen")) {
      c.add("sockeye_instances{function=\"mon\", state=\"" + state + "\"}");
    }
    return c;
  }

  private static List<String> withoutData(PrometheusServer prometheus, Map<String, String> expressions) {
    List<String> empty = new ArrayList<>();
    expressions.forEach((where, e) -> {
      try {
        if (prometheus.query(e).isEmpty()) {
          empty.add(where + ": " + e);
        }
      } catch (IllegalArgumentException bad) {
        empty.add(where + ": " + bad.getMessage());
      }
    });
    return empty;
  }

  private static String tail(Path log) {
    try {
      String text = Files.readString(log);
      return "service log " + log + " ends:\n" + text.substring(Math.max(0, text.length() - 4000));
    } catch (java.io.IOException e) {
      return "service log " + log + " unreadable: " + e;
    }
  }

  /** Expressions whose every sample is NaN: they return data, but a quantile of nothing observed in the window. */
  private static List<String> onlyNaN(PrometheusServer prometheus, Map<String, String> expressions) {
    List<String> nan = new ArrayList<>();
    expressions.forEach((where, e) -> {
      boolean allNaN = true;
      for (var sample : prometheus.query(e)) {
        allNaN &= sample.path("value").path(1).asText().equals("NaN");
      }
      if (allNaN) {
        nan.add(where);
      }
    });
    return nan;
  }

  private static String substitute(String expr) {
    String out = expr;
    for (var v : VARIABLES.entrySet()) {
      out = out.replace(v.getKey(), v.getValue());
    }
    assertTrue(!out.contains("$"), "a dashboard variable the test does not know in " + expr);
    return out;
  }

  /** Deploys a function that raises for {"bad": true}, sleeps past its timeout for {"sleep": true}, else returns i. */
  private void deploy(String name, String topic, String yaml, String kafkaYaml) throws Exception {
    Path dir = TestFunctions.write(functions, name, topic, "", """
        import time
        def f(event):
            v = event['value']
            if v.get('bad'):
                raise ValueError('bad event %d' % v['i'])
            if v.get('sleep'):
                time.sleep(30)
            return v['i']
        """);
    Files.writeString(dir.resolve("function.yaml"),
        "name: " + name + "\n" + yaml + "triggers:\n  kafka:\n    topics: [" + topic + "]\n    " + kafkaYaml);
    assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
  }
}
