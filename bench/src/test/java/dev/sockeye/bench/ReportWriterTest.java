package dev.sockeye.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
  @TempDir Path dir;

  @Test
  void writesMarkdownCsvAndChartsFromGivenResults() throws Exception {
    System.setProperty("java.awt.headless", "true");
    var sandbox = new BenchSandboxCommand.Results(
        List.of(row("sockeye", 1, 5_000), row("sockeye", 10, 8_000)),
        List.of(row("runc", 1, 90_000), BenchTable.Row.failed("docker", 1, "docker daemon unreachable")), histogram(4_000));
    var cold = new ColdStartCommand.Results(List.of(result("noop", 1), result("pillow", 3)), 0);

    Path md = ReportWriter.write(dir, new ReportWriter.Report("Measured in a test.", sandbox, cold, List.of("Counts: test.")));

    String text = Files.readString(md);
    assertTrue(text.contains("| sockeye | 10 | 20 | 8.00 |"), text);
    assertTrue(text.contains("| docker | 1 | not run: docker daemon unreachable"), text);
    assertTrue(text.contains("| pillow | warm | 4 | 3.00 |"), text);
    assertTrue(text.contains("## 3. Scale with the number of functions\n\nNot implemented yet"), text);
    assertFalse(text.contains("best+sandbox"), "a path that was not measured gets no row");
    assertEquals("system,concurrency,count,ready_p50_ms,ready_p99_ms,destroy_p50_ms,destroy_p99_ms,per_second,error",
        Files.readAllLines(dir.resolve("sandbox.csv")).get(0));
    assertTrue(Files.readAllLines(dir.resolve("coldstart.csv")).contains("noop,fresh,4,100.000,100.000"));
    assertTrue(Files.readAllLines(dir.resolve("resize.csv")).contains("warm,4,3.000,3.000"));
    for (String png : List.of("sandbox-p50.png", "sandbox-rate.png", "coldstart.png", "resize.png")) {
      assertTrue(Files.size(dir.resolve(png)) > 1000, png);
      assertTrue(text.contains("](" + png + ")"), png + " is linked");
      assertFalse(text.contains("not drawn"), text);
    }
  }

  @Test
  void questionThatDidNotRunSaysSoAndWritesNoFiles() throws Exception {
    String text = Files.readString(ReportWriter.write(dir, new ReportWriter.Report("h", null, null, List.of("Step failed: x"))));

    assertTrue(text.contains("## 1. Sandbox start vs Docker and runc\n\nNot measured in this run."), text);
    assertTrue(text.contains("- Step failed: x"), text);
    assertFalse(Files.exists(dir.resolve("sandbox.csv")));
    assertFalse(Files.exists(dir.resolve("coldstart.png")));
  }

  private static BenchTable.Row row(String system, int concurrency, long micros) {
    return new BenchTable.Row(system, concurrency, 20, histogram(micros), histogram(micros / 2), 1e6 / micros * concurrency, null);
  }

  private static Histogram histogram(long micros) {
    Histogram h = new Histogram(3_600_000_000L, 3);
    h.recordValue(micros);
    return h;
  }

  /** A function whose fresh start takes 100 ms and every zygote path {@code ms}; the sandboxed path is not measured. */
  private static ColdStartBench.Result result(String name, long ms) {
    return new ColdStartBench.Result(name, samples(100), samples(ms * 10), samples(ms * 2), null, samples(ms), new Breakdown());
  }

  private static Samples samples(long ms) {
    Samples s = new Samples();
    for (int i = 0; i < 4; i++) {
      s.add(ms * 1000);
    }
    return s;
  }
}
