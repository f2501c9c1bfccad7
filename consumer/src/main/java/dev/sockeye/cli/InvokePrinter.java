package dev.sockeye.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.OutOfMemory;
import dev.sockeye.executor.InvocationOutcome.Rejected;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;
import dev.sockeye.executor.Timings;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Prints {@code sockeye invoke}'s outcome of each event, as text or one JSON object per line. */
final class InvokePrinter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The handler's output lines of event {@code n}'s invocation (see {@link InvokeLogs}). */
  interface LogSource {
    LogSource NONE = event -> Optional.empty();

    Optional<String> logs(int event);
  }

  private final boolean json;
  private final PrintStream out;
  private final LogSource logs;

  InvokePrinter(boolean json, PrintStream out, LogSource logs) {
    this.json = json;
    this.out = out;
    this.logs = logs;
  }

  /** Prints event {@code n}'s outcome; true when it is OK. */
  boolean print(int n, InvocationOutcome o) {
    ObjectNode doc = JSON.createObjectNode().put("event", n).put("status", status(o)).put("start_kind", o.startKind().name());
    Timings t = o.timings();
    doc.putObject("timings_us").put("queued", t.queuedUs()).put("sandbox", t.sandboxUs()).put("fork", t.forkUs())
        .put("import", t.importUs()).put("handler", t.handlerUs()).put("total", t.totalUs());
    if (o instanceof Succeeded s) {
      doc.put("output", new String(s.output(), StandardCharsets.UTF_8)).put("content_type", s.contentType());
    } else if (o instanceof Failed f) {
      doc.put("error_type", f.errorType()).put("error_message", f.errorMessage()).put("traceback", f.traceback());
    } else if (o instanceof TimedOut x) {
      doc.put("error_message", "ran past timeout_ms=" + x.timeoutMs() + "; the instance was killed");
    } else if (o instanceof OutOfMemory x) {
      doc.put("error_message", "exceeded memory_mb=" + x.memoryMb() + "; the instance was killed");
    } else if (o instanceof Rejected r) {
      doc.put("error_message", r.reason());
    }
    logs.logs(n).ifPresent(l -> doc.put("logs", l));
    out.println(json ? doc.toString() : text(doc));
    return o instanceof Succeeded;
  }

  private static String status(InvocationOutcome o) {
    if (o instanceof Succeeded) {
      return "OK";
    }
    return o instanceof Failed ? "ERROR" : o instanceof TimedOut ? "TIMEOUT" : o instanceof OutOfMemory ? "OOM" : "REJECTED";
  }

  private static String text(ObjectNode d) {
    StringBuilder sb = new StringBuilder();
    var t = d.path("timings_us");
    sb.append(String.format("event %d: %s (%s) total %.1f ms: queued %.1f, sandbox %.1f, fork %.1f, import %.1f, handler %.1f%n",
        d.path("event").asInt(), d.path("status").asText(), d.path("start_kind").asText(), ms(t, "total"), ms(t, "queued"),
        ms(t, "sandbox"), ms(t, "fork"), ms(t, "import"), ms(t, "handler")));
    if (d.has("output")) {
      sb.append("  output: ").append(d.path("output").asText()).append('\n');
    }
    if (d.has("error_message")) {
      sb.append("  error: ").append(d.has("error_type") ? d.path("error_type").asText() + ": " : "")
          .append(d.path("error_message").asText()).append('\n');
    }
    if (!d.path("traceback").asText().isEmpty()) {
      d.path("traceback").asText().lines().forEach(l -> sb.append("  | ").append(l).append('\n'));
    }
    if (d.has("logs")) {
      d.path("logs").asText().lines().forEach(l -> sb.append("  log: ").append(l).append('\n'));
    }
    return sb.toString().stripTrailing();
  }

  private static double ms(com.fasterxml.jackson.databind.JsonNode t, String field) {
    return t.path(field).asLong() / 1000.0;
  }
}
