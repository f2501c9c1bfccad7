package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.control.Deployer;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bad function directories are refused at deploy with the file, field and reason; bad code that slips through is an ERROR result. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class BadInputTest {
  @TempDir Path functions;

  private String deployFails(Path dir) {
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(err, true), "deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap());
    assertEquals(1, code, "deploy of " + dir + " should fail; stderr: " + err);
    return err.toString();
  }

  @Test
  void memoryBelowTheMinimumIsRefusedNamingFileFieldAndValue() {
    String err = deployFails(TestFunctions.write(functions, "tiny", "t-in", "memory_mb: 4\n", "def f(e):\n    return 1\n"));
    assertTrue(err.contains("tiny/function.yaml"), err);
    assertTrue(err.contains("field 'memory_mb'"), err);
    assertTrue(err.contains("got 4"), err);
  }

  @Test
  void misspelledFieldIsRefusedRatherThanIgnored() {
    String err = deployFails(TestFunctions.write(functions, "typo", "t-in", "timeout_sm: 100\n", "def f(e):\n    return 1\n"));
    assertTrue(err.contains("field 'timeout_sm'") && err.contains("not a known field"), err);
  }

  @Test
  void yamlThatDoesNotParseIsRefusedWithItsLine() {
    String err = deployFails(TestFunctions.write(functions, "broken", "t-in", "concurrency: [1\n", "def f(e):\n    return 1\n"));
    assertTrue(err.contains("broken/function.yaml") && err.contains("not valid YAML"), err);
  }

  @Test
  void missingTopicsAreRefused() {
    String err = deployFails(TestFunctions.write(functions, "notopic", "", "", "def f(e):\n    return 1\n"));
    assertTrue(err.contains("triggers.kafka.topics"), err);
  }

  @Test
  void codeWithoutAHandlerIsRefusedNamingFpy() {
    String err = deployFails(TestFunctions.write(functions, "nohandler", "t-in", "", "def helper(e):\n    return 1\n"));
    assertTrue(err.contains("nohandler/f.py") && err.contains("defines neither handler(event, context) nor f(event)"), err);
  }

  @Test
  void codeWithASyntaxErrorIsRefusedWithItsLine() {
    String err = deployFails(TestFunctions.write(functions, "syntax", "t-in", "", "def f(e):\n    return (1\n"));
    assertTrue(err.contains("syntax/f.py") && err.contains("syntax error at line"), err);
  }

  @Test
  void brokenCodeThatBypassesTheDeployCheckGivesErrorResultsAndEveryOffsetIsCommitted(@TempDir Path data) throws Exception {
    Cluster.createTopic("bypass-in", 1);
    TreeMap<String, byte[]> files = new TreeMap<>();
    files.put("f.py", "def f(event:\n".getBytes(StandardCharsets.UTF_8));
    FunctionDefinition def = new FunctionDefinition("bypass", List.of("bypass-in"), null, new FunctionLimits(5000, 64, 1));
    new Deployer(SharedKafka.bootstrap(), Clock.systemUTC()).deploy(new FunctionPackage(def, files, "deadbeef0000deadbeef"));
    try (SockeyeService service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), data, Path.of("/usr/bin/python3")), Clock.systemUTC())) {
      Cluster.send("bypass-in", 0, Cluster.json(List.of("1", "2", "3")));

      List<InvocationResult> results = Cluster.results("bypass-in.results", 3);

      assertEquals(3, results.size());
      for (InvocationResult r : results) {
        assertEquals(Status.ERROR, r.getStatus());
        assertEquals("SyntaxError", r.getErrorType());
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertEquals(Cluster.endOffsets("bypass-in"), Cluster.committed("sockeye-bypass", "bypass-in")));
    }
  }
}
