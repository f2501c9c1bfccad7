package dev.sockeye.logs;

import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.HandlerLogKind;
import dev.sockeye.schemas.InvocationReport;
import dev.sockeye.executor.logs.HandlerOutput;
import dev.sockeye.executor.logs.HandlerOutput.Line;
import dev.sockeye.executor.logs.HandlerOutput.Report;
import dev.sockeye.executor.logs.HandlerOutput.Truncated;

/** Maps captured handler output to the Avro {@code HandlerLog} of the sockeye.logs topic. Stateless. */
final class LogRecords {
  private LogRecords() {}

  static HandlerLog toAvro(HandlerOutput output) {
    HandlerLog log = new HandlerLog();
    log.setFunction(output.origin().function());
    log.setFunctionVersion(output.origin().version());
    log.setInstance(output.origin().instance());
    log.setIdempotencyKeys(output.origin().keys());
    log.setTimestamp(output.time().toEpochMilli());
    log.setCut(false);
    log.setDroppedBytes(0L);
    if (output instanceof Line line) {
      log.setKind(line.stream() == HandlerOutput.Stream.STDOUT ? HandlerLogKind.STDOUT : HandlerLogKind.STDERR);
      log.setText(line.text());
      log.setCut(line.cut());
    } else if (output instanceof Truncated t) {
      log.setKind(HandlerLogKind.TRUNCATED);
      log.setText("output truncated: " + t.droppedBytes() + " bytes past the " + t.capBytes()
          + "-byte limit of one invocation were dropped (logs_max_kb)");
      log.setDroppedBytes(t.droppedBytes());
    } else if (output instanceof Report r) {
      log.setKind(HandlerLogKind.REPORT);
      log.setText(reportLine(r));
      log.setReport(new InvocationReport(r.status(), r.startKind(), r.durationUs(), r.initUs(), r.maxMemoryBytes(),
          r.error(), r.traceback()));
    }
    return log;
  }

  /** Lambda's REPORT line, in our terms. */
  static String reportLine(Report r) {
    return String.format("REPORT status=%s duration=%.2fms%s max_memory=%dMB start=%s%s", r.status(),
        r.durationUs() / 1000.0, r.initUs() > 0 ? String.format(" init=%.2fms", r.initUs() / 1000.0) : "",
        r.maxMemoryBytes() / (1024 * 1024), r.startKind(), r.error() == null ? "" : " error=" + r.error());
  }

  /** What a record costs in memory while it waits to be published, roughly. */
  static long weight(HandlerOutput output) {
    if (output instanceof Line line) {
      return 128 + 2L * line.text().length();
    }
    if (output instanceof Report r) {
      return 256 + (r.traceback() == null ? 0 : 2L * r.traceback().length());
    }
    return 128;
  }
}
