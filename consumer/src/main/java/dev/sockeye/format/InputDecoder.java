package dev.sockeye.format;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.executor.Event;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns records' values into what the runtime hands the handler, per the function's input format:
 * JSON text for {@code json}, {@code avro} and {@code text} (the runtime parses it), the raw bytes
 * flagged as such for {@code bytes}. A value that does not decode becomes {@link Decoded.Undecodable}
 * with the reason; a null value (a tombstone) passes as null in every format. Thread-safe.
 */
public final class InputDecoder {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One event's decoding. */
  public sealed interface Decoded {
    /** Ready for the handler. */
    record Ready(Event event) implements Decoded {}

    /** Cannot be decoded; {@code reason} says why. */
    record Undecodable(String reason) implements Decoded {}
  }

  private final InputSettings settings;
  private final AvroInput avro; // null unless the format is Avro

  private InputDecoder(InputSettings settings, AvroInput avro) {
    this.settings = settings;
    this.avro = avro;
  }

  public static InputDecoder of(InputSettings settings) {
    AvroInput avro = settings.format() != InputFormat.AVRO ? null : new AvroInput(settings.schema(),
        settings.registry() == null ? null : new SchemaRegistry(settings.registry(), HttpClient.newHttpClient()));
    return new InputDecoder(settings, avro);
  }

  /** True when the runtime decodes values itself (format not set): events pass unchanged. */
  public boolean passThrough() {
    return settings.format() == InputFormat.AUTO;
  }

  public InputSettings settings() {
    return settings;
  }

  /** Decodes every event; never completes exceptionally. Completes at once unless a schema registry is asked. */
  public CompletableFuture<List<Decoded>> decodeAll(List<Event> events) {
    List<CompletableFuture<Decoded>> each = new ArrayList<>(events.size());
    for (Event e : events) {
      each.add(decode(e).handle((d, ex) -> d != null ? d : new Decoded.Undecodable(reason(ex))));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(v -> each.stream().map(CompletableFuture::join).toList());
  }

  CompletableFuture<Decoded> decode(Event e) {
    byte[] v = e.value();
    if (v == null || settings.format() == InputFormat.AUTO) {
      return CompletableFuture.completedFuture(new Decoded.Ready(e));
    }
    try {
      return switch (settings.format()) {
        case BYTES -> ready(e.withValue(v, true));
        case JSON -> ready(e.withValue(json(v), false));
        case TEXT -> ready(e.withValue(JSON.writeValueAsBytes(utf8(v)), false));
        case AVRO -> avro.decode(v).thenApply(node -> new Decoded.Ready(e.withValue(node.toString().getBytes(StandardCharsets.UTF_8), false)));
        case AUTO -> ready(e);
      };
    } catch (DecodeException | JsonProcessingException ex) {
      return CompletableFuture.failedFuture(ex);
    }
  }

  private static CompletableFuture<Decoded> ready(Event e) {
    return CompletableFuture.completedFuture(new Decoded.Ready(e));
  }

  private static byte[] json(byte[] v) {
    try {
      if (JSON.readTree(v).isMissingNode()) {
        throw new DecodeException("value is empty, not JSON (triggers.kafka.format: json)");
      }
      return v;
    } catch (java.io.IOException ex) {
      throw new DecodeException("value is not JSON (triggers.kafka.format: json): " + firstLine(ex.getMessage()));
    }
  }

  private static String utf8(byte[] v) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
    } catch (CharacterCodingException ex) {
      throw new DecodeException("value is not UTF-8 text (triggers.kafka.format: text): " + ex);
    }
  }

  private static String reason(Throwable ex) {
    Throwable t = ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null ? ex.getCause() : ex;
    return t instanceof DecodeException ? t.getMessage() : t.toString();
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
