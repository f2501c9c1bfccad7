package dev.sockeye.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The HTTP endpoint Prometheus scrapes, served by Vert.x: {@code /metrics} (Prometheus text format,
 * rendered on a worker thread because a scrape walks every meter), {@code /healthz} (200 while the
 * process runs) and {@code /readyz} (200, or 503 with a one-line reason). Nothing here blocks the
 * event loop: readiness is a precomputed answer. Close is idempotent.
 */
public final class MetricsServer implements AutoCloseable {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsServer(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /**
   * Listens on {@code host:port} (port 0: any free port). {@code notReady} returns why the service is
   * not ready, or empty when it is; it must not block.
   */
  public static Future<MetricsServer> start(Vertx vertx, String host, int port, Supplier<String> scrape, Supplier<Optional<String>> notReady) {
    HttpServer server = vertx.createHttpServer();
    server.requestHandler(req -> handle(vertx, req, scrape, notReady));
    return server.listen(port, host).map(s -> new MetricsServer(vertx, s))
        .recover(e -> Future.failedFuture(new IllegalStateException("metrics endpoint on " + host + ":" + port + ": " + e.getMessage(), e)));
  }

  private static void handle(Vertx vertx, HttpServerRequest req, Supplier<String> scrape, Supplier<Optional<String>> notReady) {
    switch (req.path()) {
      case "/metrics" -> vertx.executeBlocking(scrape::get, false).onComplete(ar -> {
        if (ar.succeeded()) {
          req.response().putHeader("Content-Type", PROMETHEUS_TEXT).end(ar.result());
        } else {
          req.response().setStatusCode(500).end("scrape failed: " + ar.cause() + "\n");
        }
      });
      case "/healthz" -> req.response().end("ok\n");
      case "/readyz" -> {
        Optional<String> why = notReady.get();
        req.response().setStatusCode(why.isEmpty() ? 200 : 503).end(why.map(w -> "not ready: " + w).orElse("ready") + "\n");
      }
      default -> req.response().setStatusCode(404).end("not found; try /metrics, /healthz or /readyz\n");
    }
  }

  /** The port it listens on (the one chosen, when asked for 0). */
  public int port() {
    return server.actualPort();
  }

  /** Blocking, briefly: stops listening. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // the Vert.x instance closing closes it too
      }
    }
  }
}
