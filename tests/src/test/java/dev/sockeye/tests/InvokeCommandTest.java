package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockeye invoke} through the real Main: real Python, real zygotes and sandboxes, no broker at all. */
@ExtendWith(NoLeaks.class)
class InvokeCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path HELLO = Path.of("..", "examples", "hello");
  @TempDir Path data;

  private Path function(String name, String python) throws Exception {
    return TestFunctions.write(data.resolve("fns"), name, "in", "", python);
  }

  @Test
  void sandboxedInvokeOfTheHelloExamplePrintsEachOutputStatusAndTimings() {
    Cli.Run r = Cli.run("invoke", HELLO.toString(), "--file", "../examples/events/greetings.jsonl", "--data-dir", data.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("event 1: OK (ZYGOTE) total "), r.out());
    assertTrue(r.out().contains("  output: {\"greeting\": \"hello, Ada\", \"function\": \"hello\", \"source\": \"greetings/0@0\"}"), r.out());
    assertTrue(r.out().contains("event 2: OK ("), r.out());
    // an instance rejoins the idle pool just after its reply, so event 2 may still fork; later ones find it warm
    assertTrue(r.out().contains("event 10: OK (WARM)") || r.out().contains("event 9: OK (WARM)"), r.out());
    assertTrue(r.out().contains("hello, Grace"), r.out());
  }

  @Test
  void unsandboxedInvokeRunsOneEventAndPrintsJson() throws Exception {
    Cli.Run r = Cli.run("invoke", HELLO.toString(), "--event", "{\"name\": \"Bob\"}", "--unsafe-no-sandbox", "--json",
        "--data-dir", data.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode doc = JSON.readTree(r.out().strip());
    assertEquals("OK", doc.path("status").asText());
    assertEquals("UNSANDBOXED_ZYGOTE", doc.path("start_kind").asText());
    assertEquals("hello, Bob", JSON.readTree(doc.path("output").asText()).path("greeting").asText());
    assertTrue(doc.path("timings_us").path("total").asLong() >= doc.path("timings_us").path("handler").asLong());
    assertTrue(doc.path("timings_us").path("handler").asLong() > 0, doc.toString());
  }

  @Test
  void eachEventsHandlerOutputIsPrintedUnderItsOwnEvent() throws Exception {
    Path dir = function("chatty", "import sys\ndef f(event):\n    print('seen', event['value']['n'])\n"
        + "    print('warned', event['value']['n'], file=sys.stderr)\n    return event['value']['n']\n");
    Files.writeString(data.resolve("chatty.jsonl"), "{\"n\": 1}\n{\"n\": 2}\n");
    Cli.Run r = Cli.run("invoke", dir.toString(), "--file", data.resolve("chatty.jsonl").toString(), "--data-dir", data.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    String second = r.out().substring(r.out().indexOf("event 2:"));
    String first = r.out().substring(0, r.out().indexOf("event 2:"));
    assertTrue(first.contains("  log: seen 1") && first.contains("  log: stderr: warned 1") && !first.contains("seen 2"), r.out());
    assertTrue(second.contains("  log: seen 2") && second.contains("  log: stderr: warned 2") && !second.contains("seen 1"), r.out());
  }

  @Test
  void aFailingHandlerPrintsItsErrorAndTracebackAndExitsOne() throws Exception {
    Path dir = function("fails", "def f(event):\n    if event['value']['n'] > 1:\n        raise ValueError('too big: %d' % event['value']['n'])\n"
        + "    return event['value']['n']\n");
    Files.writeString(data.resolve("events.jsonl"), "{\"n\": 1}\n{\"n\": 2}\n");
    Cli.Run r = Cli.run("invoke", dir.toString(), "--file", data.resolve("events.jsonl").toString(), "--data-dir", data.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("event 1: OK"), r.out());
    assertTrue(r.out().contains("event 2: ERROR"), r.out());
    assertTrue(r.out().contains("  error: ValueError: too big: 2"), r.out());
    assertTrue(r.out().contains("  | Traceback (most recent call last):"), r.out());
    assertTrue(r.out().contains("raise ValueError('too big: %d' % event['value']['n'])"), r.out());
  }

  @Test
  void badEventJsonNamesTheFileAndLineAndRunsNothing() throws Exception {
    Files.writeString(data.resolve("bad.jsonl"), "{\"name\": \"Ada\"}\n{\"name\": \n");
    Cli.Run r = Cli.run("invoke", HELLO.toString(), "--file", data.resolve("bad.jsonl").toString(), "--unsafe-no-sandbox",
        "--data-dir", data.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("bad.jsonl line 2: not JSON"), r.err());
    assertEquals("", r.out());
  }
}
