package dev.sockeye.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.ITypeConverter;

/**
 * Scrapes a service's /metrics over HTTP at a fixed rate, as Prometheus would, for as long as it is
 * open: what a bench measures the cost of scraping with. Owns its thread "bench-scraper";
 * {@link #close()} is idempotent.
 */
final class ScrapeLoad implements AutoCloseable {
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "bench-scraper");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong nanos = new AtomicLong();

  ScrapeLoad(int port, Duration every) {
    HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(30)).build();
    thread.scheduleAtFixedRate(() -> {
      long start = System.nanoTime();
      try {
        bytes.addAndGet(http.send(get, HttpResponse.BodyHandlers.ofString()).body().length());
        scrapes.incrementAndGet();
        nanos.addAndGet(System.nanoTime() - start);
      } catch (Exception e) {
        System.err.println("scrape failed: " + e); // the bench goes on; the row shows fewer scrapes
      }
    }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** "N scrapes, avg X ms, Y kB": what the scraping cost the scraper. */
  String summary() {
    long n = Math.max(1, scrapes.get());
    return String.format("%d scrapes, avg %.1f ms, %d kB", scrapes.get(), nanos.get() / 1e6 / n, bytes.get() / n / 1024);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  /** Reads "1s", "500ms", "2m" or an ISO-8601 duration ("PT1S"). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(value.trim());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          default -> Duration.ofMinutes(n);
        };
      }
      try {
        return Duration.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("not a duration: '" + value + "' (use e.g. 1s, 500ms or PT1S)");
      }
    }
  }
}
