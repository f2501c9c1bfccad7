package dev.sockeye.tests;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text-format scrape, and plain HTTP GETs for tests. */
record Scrape(List<Series> series) {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  record Series(String name, Map<String, String> labels, double value) {}

  record Response(int status, String body) {}

  static Response get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (Exception e) { // an AssertionError: Awaitility tries again
      throw new AssertionError("GET " + path + " on port " + port + ": " + e, e);
    }
  }

  static Scrape of(int port) {
    Response r = get(port, "/metrics");
    if (r.status() != 200) {
      throw new IllegalStateException("/metrics answered " + r.status() + ": " + r.body());
    }
    return parse(r.body());
  }

  static Scrape parse(String text) {
    List<Series> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      out.add(new Series(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Scrape(out);
  }

  /** Series named {@code name} whose labels include {@code labels} (name, value, name, value...). */
  List<Series> find(String name, String... labels) {
    List<Series> found = new ArrayList<>();
    for (Series s : series) {
      if (s.name().equals(name) && matches(s, labels)) {
        found.add(s);
      }
    }
    return found;
  }

  /** The sum of the matching series; fails naming the series when there is none. */
  double value(String name, String... labels) {
    List<Series> found = find(name, labels);
    if (found.isEmpty()) {
      throw new AssertionError("no series " + name + " with " + List.of(labels) + "; have "
          + series.stream().filter(s -> s.name().equals(name)).map(Series::labels).toList());
    }
    return found.stream().mapToDouble(Series::value).sum();
  }

  private static boolean matches(Series s, String... labels) {
    for (int i = 0; i < labels.length; i += 2) {
      if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
        return false;
      }
    }
    return true;
  }
}
