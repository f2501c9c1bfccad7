package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.cli.Main;
import dev.sockeye.control.Deployer;
import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.executor.HandlerCacheSettings;
import dev.sockeye.executor.packages.Wheels;
import dev.sockeye.executor.ImportCacheSettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.service.Caching;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** requirements.txt through the whole path: resolved, installed once into the store, imported by handlers. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class PackagesTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir static Path wheelDir;
  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static Wheels wheels;
  private static SockeyeService service;

  @BeforeAll
  static void start() {
    wheels = new Wheels(wheelDir).add("sharedlib", "1.0", 0).add("otherlib", "2.0", 0, "sharedlib>=1");
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON)
        .withCaching(new Caching(wheels.pip(), ImportCacheSettings.defaults(), HandlerCacheSettings.defaults(), null)), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  private static Path function(String name, String topic, String requirements, String code) throws Exception {
    Path dir = TestFunctions.write(functions, name, topic, "", code);
    Files.writeString(dir.resolve("requirements.txt"), requirements);
    return dir;
  }

  private static int deploy(StringWriter err, Path dir) {
    return Main.run(new PrintWriter(err, true), "deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap(),
        "--no-index", "--find-links", wheelDir.toString());
  }

  @Test
  void twoFunctionsNeedingTheSameVersionShareOneInstall() throws Exception {
    Cluster.createTopic("shared-a-in", 1);
    Cluster.createTopic("shared-b-in", 1);
    assertEquals(0, deploy(new StringWriter(), function("shared-a", "shared-a-in", "sharedlib\n",
        "import sharedlib\ndef f(e):\n    return sharedlib.VERSION\n")));
    assertEquals(0, deploy(new StringWriter(), function("shared-b", "shared-b-in", "otherlib==2.0\n",
        "import sharedlib, otherlib\ndef f(e):\n    return [sharedlib.VERSION, otherlib.VERSION]\n")));
    Cluster.send("shared-a-in", 0, Cluster.json(List.of("1")));
    Cluster.send("shared-b-in", 0, Cluster.json(List.of("1")));

    assertEquals("\"1.0\"", Cluster.output(Cluster.results("shared-a-in.results", 1).get(0)));
    assertEquals("[\"1.0\", \"2.0\"]", Cluster.output(Cluster.results("shared-b-in.results", 1).get(0)));
    assertEquals(2, service.executor().packages().pipInstalls(), "sharedlib once, otherlib once");
    assertTrue(Files.isDirectory(dataDir.resolve("packages/sharedlib/1.0/sharedlib")));
  }

  @Test
  void requirementThatCannotBeResolvedFailsTheDeployWithPipsError() throws Exception {
    StringWriter err = new StringWriter();
    assertEquals(1, deploy(err, function("unresolvable", "u-in", "no-such-lib==9\n", "def f(e):\n    return 1\n")));
    assertTrue(err.toString().contains("unresolvable/requirements.txt"), err.toString());
    assertTrue(err.toString().contains("no-such-lib"), err.toString());
  }

  @Test
  void pipOptionsInRequirementsAreRefusedAtDeploy() throws Exception {
    StringWriter err = new StringWriter();
    assertEquals(1, deploy(err, function("sneaky", "s-in", "--index-url http://127.0.0.1:1/\nsharedlib\n", "def f(e):\n    return 1\n")));
    assertTrue(err.toString().contains("line 1: pip options"), err.toString());
  }

  @Test
  void installThatFailsInTheServiceIsReportedByStatusAndLeavesNothingInTheStore() throws Exception {
    Files.writeString(wheelDir.resolve("brokenlib-1.0-py3-none-any.whl"), "not a zip");
    TreeMap<String, byte[]> files = new TreeMap<>();
    files.put("f.py", "def f(e):\n    return 1\n".getBytes(StandardCharsets.UTF_8));
    files.put("requirements.txt", "brokenlib\n".getBytes(StandardCharsets.UTF_8));
    FunctionDefinition def = new FunctionDefinition("broken", List.of("broken-in"), null, new FunctionLimits(5000, 64, 1));
    new Deployer(SharedKafka.bootstrap(), Clock.systemUTC()).deploy(new FunctionPackage(def, files, "0123456789abcdef"));

    await().atMost(Duration.ofSeconds(30)).until(() -> service.deployErrors().containsKey("broken"));
    assertTrue(service.deployErrors().get("broken").contains("brokenlib"), service.deployErrors().get("broken"));
    assertFalse(Files.exists(dataDir.resolve("packages/brokenlib/1.0")));
    ObjectMapper json = new ObjectMapper();
    await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), List.of("sockeye.status"), Duration.ofSeconds(10))
        .stream().filter(r -> r.value() != null).map(r -> parse(json, r.value())).anyMatch(s -> s.path("functions").path("broken").path("error").asText().contains("brokenlib")));
  }

  private static JsonNode parse(ObjectMapper json, byte[] value) {
    try {
      return json.readTree(value);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
