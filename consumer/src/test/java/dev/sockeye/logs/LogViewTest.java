package dev.sockeye.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.schemas.HandlerLog;
import dev.sockeye.schemas.HandlerLogKind;
import dev.sockeye.schemas.InvocationReport;
import dev.sockeye.schemas.codec.AvroBytes;
import dev.sockeye.executor.logs.HandlerOutput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogViewTest {
  private static HandlerLog line(String function, String key, String text) {
    return LogRecords.toAvro(new HandlerOutput.Line(origin(function, key), Instant.EPOCH, HandlerOutput.Stream.STDOUT,
        text, false));
  }

  private static HandlerOutput.Origin origin(String function, String key) {
    return new HandlerOutput.Origin(function, "v1", function + "-1", key == null ? List.of() : List.of(key));
  }

  private static HandlerLog report(String function, String key, String status, String traceback) {
    return LogRecords.toAvro(new HandlerOutput.Report(origin(function, key), Instant.EPOCH, status, "WARM", 1200, 0,
        5 << 20, status.equals("OK") ? null : "ValueError: bad", traceback));
  }

  @Test
  void keyKeepsOnlyThatEventsRecordsOfThatFunction() {
    LogView view = new LogView("f", "t-0-1", false);
    List<String> out = new ArrayList<>();
    for (HandlerLog log : List.of(line("f", "t-0-0", "zero"), line("f", "t-0-1", "one"), line("g", "t-0-1", "other"),
        line("f", null, "between"), report("f", "t-0-1", "OK", null))) {
      out.addAll(view.accept(log));
    }
    assertEquals(2, out.size(), out.toString());
    assertTrue(out.get(0).endsWith("[t-0-1] stdout: one"), out.get(0));
    assertTrue(out.get(1).contains("REPORT status=OK duration=1.20ms max_memory=5MB start=WARM"), out.get(1));
  }

  @Test
  void errorsShowsFailedInvocationsWithTheirLinesAndTraceback() {
    LogView view = new LogView("f", null, true);
    List<String> out = new ArrayList<>();
    out.addAll(view.accept(line("f", "t-0-0", "fine")));
    out.addAll(view.accept(report("f", "t-0-0", "OK", null)));
    out.addAll(view.accept(line("f", "t-0-1", "about to fail")));
    assertEquals(List.of(), out, "lines wait for their invocation's report");
    out.addAll(view.accept(report("f", "t-0-1", "ERROR", "Traceback (most recent call last):\n  File \"/handler/f.py\", line 3\nValueError: bad")));
    assertEquals(2, out.size(), out.toString());
    assertTrue(out.get(0).endsWith("stdout: about to fail"));
    assertTrue(out.get(1).contains("REPORT status=ERROR") && out.get(1).contains("\n      File \"/handler/f.py\", line 3"),
        out.get(1));
  }

  @Test
  void recordsSurviveTheirAvroEncoding() {
    HandlerLog log = report("f", "t-0-1", "ERROR", "tb");
    HandlerLog back = AvroBytes.LOG.decode(AvroBytes.LOG.encode(log));
    assertEquals(HandlerLogKind.REPORT, back.getKind());
    assertEquals(new InvocationReport("ERROR", "WARM", 1200L, 0L, 5L << 20, "ValueError: bad", "tb"), back.getReport());
  }
}
