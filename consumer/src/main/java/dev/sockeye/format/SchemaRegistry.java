package dev.sockeye.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client of a Confluent-compatible schema registry: {@code GET /schemas/ids/{id}}, answered
 * asynchronously (never blocks the caller) and cached per id for the life of the binding (ids are
 * immutable in a registry). A failed lookup is not cached, so a record retried later asks again.
 * Thread-safe: the cache is a concurrent map of futures.
 */
final class SchemaRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final HttpClient http;
  private final Map<Integer, CompletableFuture<Schema>> cache = new ConcurrentHashMap<>();

  SchemaRegistry(URI base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  /** The writer schema of {@code id}; fails with a {@link DecodeException} naming the registry and id. */
  CompletableFuture<Schema> schema(int id) {
    CompletableFuture<Schema> f = cache.computeIfAbsent(id, this::fetch);
    f.whenComplete((s, e) -> {
      if (e != null) {
        cache.remove(id, f);
      }
    });
    return f;
  }

  private CompletableFuture<Schema> fetch(int id) {
    URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/schemas/ids/" + id);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
        .header("Accept", "application/vnd.schemaregistry.v1+json, application/json").GET().build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, e) -> {
      if (e != null) {
        throw new DecodeException("schema registry " + uri + ": " + e.getMessage());
      }
      if (response.statusCode() != 200) {
        throw new DecodeException("schema registry " + uri + " answered " + response.statusCode() + ": " + response.body());
      }
      try {
        JsonNode body = JSON.readTree(response.body());
        return new Schema.Parser().parse(body.path("schema").asText());
      } catch (Exception ex) {
        throw new DecodeException("schema registry " + uri + ": schema id " + id + " is not an Avro schema: " + ex.getMessage());
      }
    });
  }
}
