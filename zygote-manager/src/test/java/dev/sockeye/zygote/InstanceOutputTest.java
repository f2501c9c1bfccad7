package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.zygote.output.HandlerOutput;
import dev.sockeye.zygote.output.HandlerOutput.Line;
import dev.sockeye.zygote.output.HandlerOutput.Stream;
import dev.sockeye.zygote.output.HandlerOutput.Truncated;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each forked instance's stdout and stderr, captured on pipes of its own and attributed to its invocations. */
class InstanceOutputTest extends ManagerFixture {
  @TempDir Path otherCode;
  final Queue<HandlerOutput> seen = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void collect() {
    manager.output().sinkTo(seen::add);
  }

  private List<Line> lines(String function) {
    return seen.stream().filter(o -> o instanceof Line l && l.origin().function().equals(function))
        .map(o -> (Line) o).toList();
  }

  @Test
  void linesOfTwoFunctionsSharingAZygoteGoToTheirOwnInvocations() {
    InstanceSpec a = handler("alpha", """
        import sys
        print("alpha imported")
        def f(event):
            print("alpha says", event["offset"])
            print("alpha warns", event["offset"], file=sys.stderr)
            return 1
        """);
    InstanceSpec b = handlerIn(otherCode, "beta", """
        def f(event):
            print("beta says", event["offset"])
            return 2
        """);
    try (Instance ia = manager.fork(a); Instance ib = manager.fork(b)) {
      for (int i = 0; i < 3; i++) {
        ia.invoke(request("alpha", json(10 + i, "{}")));
        ib.invoke(request("beta", json(20 + i, "{}")));
      }
    }
    for (int i = 0; i < 3; i++) {
      String alphaKey = "orders-0-" + (10 + i);
      String betaKey = "orders-0-" + (20 + i);
      // f.py is imported while the first request is on its way: its import-time line may land on the first invocation
      assertEquals(List.of("alpha says " + (10 + i)), texts(lines("alpha"), alphaKey, Stream.STDOUT).stream()
          .filter(t -> !t.equals("alpha imported")).toList());
      assertEquals(List.of("alpha warns " + (10 + i)), texts(lines("alpha"), alphaKey, Stream.STDERR));
      assertEquals(List.of("beta says " + (20 + i)), texts(lines("beta"), betaKey, Stream.STDOUT));
    }
    assertTrue(lines("beta").stream().noneMatch(l -> l.text().contains("alpha")), "beta got none of alpha's lines");
    Line imported = lines("alpha").stream().filter(l -> l.text().equals("alpha imported")).findFirst().orElseThrow();
    assertTrue(imported.origin().keys().isEmpty() || imported.origin().keys().equals(List.of("orders-0-10")),
        "import-time output belongs to the instance, or to the first invocation it overlapped: " + imported.origin().keys());
    assertEquals("v1", imported.origin().version());
  }

  private static List<String> texts(List<Line> lines, String key, Stream stream) {
    return lines.stream().filter(l -> l.origin().keys().equals(List.of(key)) && l.stream() == stream)
        .map(Line::text).toList();
  }

  @Test
  void aLineOverTheLineCapIsCutIntoMarkedPieces() {
    InstanceSpec spec = handler("longline", """
        def f(event):
            print("x" * 20000)
            return 1
        """);
    try (Instance instance = manager.fork(spec)) {
      instance.invoke(request("longline", json(1, "{}")));
    }
    List<Line> mine = lines("longline");
    assertEquals(2, mine.size(), mine.toString());
    assertEquals(16 * 1024, mine.get(0).text().length());
    assertTrue(mine.get(0).cut(), "the first piece says the line continues");
    assertEquals(20000 - 16 * 1024, mine.get(1).text().length());
    assertTrue(!mine.get(1).cut());
  }

  @Test
  void outputPastTheInvocationCapIsDroppedWithATruncatedRecord() {
    manager.limitOutput("chatty", 1000);
    InstanceSpec spec = handler("chatty", """
        def f(event):
            for i in range(200):
                print("line %03d" % i)   # 9 bytes each, 1800 in all
            return 1
        """);
    try (Instance instance = manager.fork(spec)) {
      instance.invoke(request("chatty", json(1, "{}")));
      instance.invoke(request("chatty", json(2, "{}")));
    }
    for (String key : List.of("orders-0-1", "orders-0-2")) {
      List<Line> kept = lines("chatty").stream().filter(l -> l.origin().keys().equals(List.of(key))).toList();
      assertEquals(112, kept.size(), "1000 bytes hold 111 whole lines and a partial one");
      Truncated t = seen.stream().filter(o -> o instanceof Truncated tr && tr.origin().keys().equals(List.of(key)))
          .map(o -> (Truncated) o).findFirst().orElseThrow();
      assertEquals(800, t.droppedBytes());
      assertEquals(1000, t.capBytes());
    }
  }

  @Test
  void theZygoteLogNoLongerReceivesInstanceOutput() throws Exception {
    InstanceSpec spec = handler("quiet", """
        def f(event):
            print("only mine")
            return 1
        """);
    try (Instance instance = manager.fork(spec)) {
      instance.invoke(request("quiet", json(1, "{}")));
    }
    assertEquals(List.of("only mine"), texts(lines("quiet"), "orders-0-1", Stream.STDOUT));
    assertTrue(Files.exists(codeDir.resolve("f.py")));
  }
}
