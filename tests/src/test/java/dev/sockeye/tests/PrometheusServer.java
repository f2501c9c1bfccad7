package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} server as a child process for one test: listening on 127.0.0.1 only,
 * its TSDB in the test's directory, scraping one target every second as job {@code sockeye} and
 * evaluating the given rule files every second. {@link #query} is its HTTP API's instant query.
 * {@link #close} kills it (by its own PID) and waits for it; calling it again does nothing.
 */
final class PrometheusServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Process process;
  private final URI base;
  private final Path log;

  private PrometheusServer(Process process, URI base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  static PrometheusServer start(Path dir, String target, Path rules) throws IOException {
    int port = freePort();
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: ['%s']
        scrape_configs:
          - job_name: sockeye
            static_configs:
              - targets: ['%s']
        """.formatted(rules.toAbsolutePath().normalize(), target));
    Path log = dir.resolve("prometheus.log");
    Process p = new ProcessBuilder(List.of("prometheus", "--config.file=" + config,
        "--storage.tsdb.path=" + Files.createDirectories(dir.resolve("tsdb")),
        "--web.listen-address=127.0.0.1:" + port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(p, URI.create("http://127.0.0.1:" + port), log);
    try {
      await("prometheus ready on port " + port + " (log: " + log + ")").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200)).until(server::ready);
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** The {@code result} array of an instant query now; throws with Prometheus's error for a bad expression. */
  JsonNode query(String promql) {
    JsonNode body = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    if (!"success".equals(body.path("status").asText())) {
      throw new IllegalArgumentException(promql + ": " + body.path("errorType").asText() + ": " + body.path("error").asText());
    }
    return body.path("data").path("result");
  }

  /** The scrape target's health as Prometheus last saw it ("up", "down", "unknown"), with its last error. */
  String targetHealth() {
    JsonNode targets = get("/api/v1/targets").path("data").path("activeTargets");
    return targets.isEmpty() ? "no target" : targets.get(0).path("health").asText() + " " + targets.get(0).path("lastError").asText();
  }

  Path log() {
    return log;
  }

  private boolean ready() {
    if (!process.isAlive()) {
      throw new IllegalStateException("prometheus exited with " + process.exitValue() + "; log: " + log);
    }
    try {
      return HTTP.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private JsonNode get(String pathAndQuery) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return MonitoringFiles.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + base + pathAndQuery, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + base + pathAndQuery, e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy(); // SIGTERM: it closes its TSDB
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
