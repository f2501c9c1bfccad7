package dev.sockeye.logs;

import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.HandlerLogKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@code HandlerLog} records of one function into the lines {@code sockeye logs} prints: all of them, one
 * event's ({@code key}), or only failed invocations with their lines and traceback ({@code errorsOnly}: lines wait
 * for their invocation's REPORT, at most {@link #MAX_PENDING} invocations of {@link #MAX_PENDING_LINES} lines).
 * Not thread-safe: one reader thread.
 */
public final class LogView {
  static final int MAX_PENDING = 1_000;
  static final int MAX_PENDING_LINES = 200;

  private final String function;
  private final String key; // null: every invocation
  private final boolean errorsOnly;
  private final Map<List<String>, List<String>> pending = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<List<String>, List<String>> eldest) {
      return size() > MAX_PENDING;
    }
  };

  public LogView(String function, String key, boolean errorsOnly) {
    this.function = function;
    this.key = key;
    this.errorsOnly = errorsOnly;
  }

  /** The lines to print for {@code log} now (none when it is filtered out or waits for its REPORT). */
  public List<String> accept(HandlerLog log) {
    if (!log.getFunction().equals(function) || (key != null && !log.getIdempotencyKeys().contains(key))) {
      return List.of();
    }
    String line = format(log);
    if (!errorsOnly) {
      return List.of(line);
    }
    List<String> keys = log.getIdempotencyKeys();
    if (keys.isEmpty()) {
      return List.of(); // output between invocations belongs to no failed invocation
    }
    if (log.getKind() != HandlerLogKind.REPORT) {
      List<String> lines = pending.computeIfAbsent(keys, k -> new ArrayList<>());
      if (lines.size() < MAX_PENDING_LINES) {
        lines.add(line);
      }
      return List.of();
    }
    List<String> lines = pending.remove(keys);
    if ("OK".equals(log.getReport().getStatus())) {
      return List.of();
    }
    List<String> out = new ArrayList<>(lines == null ? List.of() : lines);
    out.add(line);
    return out;
  }

  /** One record as text; a REPORT's traceback follows on indented lines. */
  public static String format(HandlerLog log) {
    String head = Instant.ofEpochMilli(log.getTimestamp()) + " " + log.getInstance() + " "
        + (log.getIdempotencyKeys().isEmpty() ? "[instance]" : log.getIdempotencyKeys().toString()) + " ";
    return switch (log.getKind()) {
      case STDOUT, STDERR -> head + log.getKind().name().toLowerCase() + ": " + log.getText()
          + (log.getCut() ? " [line cut at the line limit; continues]" : "");
      case TRUNCATED -> head + "TRUNCATED " + log.getText();
      case REPORT -> head + log.getText() + (log.getReport() == null || log.getReport().getTraceback() == null ? ""
          : "\n    " + log.getReport().getTraceback().strip().replace("\n", "\n    "));
    };
  }
}
