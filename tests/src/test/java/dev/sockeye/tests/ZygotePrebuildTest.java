package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sockeye.cli.Main;
import dev.sockeye.executor.FunctionZygote;
import dev.sockeye.executor.HandlerCacheSettings;
import dev.sockeye.executor.ImportCacheSettings;
import dev.sockeye.executor.ZygoteNode;
import dev.sockeye.executor.packages.Wheels;
import dev.sockeye.kafka.TopicReader;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.StartKind;
import dev.sockeye.service.Caching;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Deploying a function builds its package set's zygote, so even its first event forks from it. */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class ZygotePrebuildTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir static Path wheelDir;
  @TempDir static Path dataDir;
  @TempDir static Path functions;
  private static SockeyeService service;

  @BeforeAll
  static void start() {
    Wheels wheels = new Wheels(wheelDir).add("prebuiltlib", "1.0", 200);
    service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(), dataDir, PYTHON)
        .withCaching(new Caching(wheels.pip(), ImportCacheSettings.defaults(), HandlerCacheSettings.defaults(), null)), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    service.close();
  }

  @Test
  void firstEventAfterDeployForksFromTheZygoteHoldingTheFunctionsPackages() throws Exception {
    Cluster.createTopic("prebuilt-in", 1);
    // Whether the package was already imported when the handler's module loaded: only in a fork from its zygote.
    Path dir = TestFunctions.write(functions, "prebuilt", "prebuilt-in", "",
        "import sys\nPRELOADED = 'prebuiltlib' in sys.modules\nimport prebuiltlib\ndef f(e):\n    return PRELOADED\n");
    Files.writeString(dir.resolve("requirements.txt"), "prebuiltlib\n");
    assertEquals(0, Main.run(new PrintWriter(new StringWriter(), true), "deploy", dir.toString(),
        "--bootstrap-servers", SharedKafka.bootstrap(), "--no-index", "--find-links", wheelDir.toString()));
    await().atMost(Duration.ofSeconds(60)).until(() -> service.executor().deployment("prebuilt").isPresent());

    FunctionZygote zygote = service.executor().functionZygote("prebuilt").orElseThrow();
    assertEquals("ready", zygote.state(), "deploy completes once the zygote is built");
    assertEquals(List.of("prebuiltlib==1.0"), zygote.packages());

    Cluster.send("prebuilt-in", 0, Cluster.json(List.of("1")));
    InvocationResult first = Cluster.results("prebuilt-in.results", 1).get(0);
    assertEquals(StartKind.ZYGOTE, first.getStartKind());
    assertEquals("true", Cluster.output(first), "the first event forked from a zygote that had imported prebuiltlib");
    ZygoteNode node = service.executor().zygoteTree().stream().filter(n -> n.id() == zygote.nodeId()).findFirst().orElseThrow();
    assertEquals(1, node.hits(), "the first fork was served by the function's own node");

    ObjectMapper json = new ObjectMapper();
    await().atMost(Duration.ofSeconds(30)).until(() -> TopicReader.readAll(SharedKafka.connection(), List.of("sockeye.status"), Duration.ofSeconds(10))
        .stream().filter(r -> r.value() != null).map(r -> parse(json, r.value())).map(s -> s.path("functions").path("prebuilt").path("zygote"))
        .anyMatch(z -> z.path("state").asText().equals("ready") && z.path("node").asInt() == zygote.nodeId()));
    assertTrue(service.executor().functionZygote("prebuilt").isPresent());
  }

  private static JsonNode parse(ObjectMapper json, byte[] value) {
    try {
      return json.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
