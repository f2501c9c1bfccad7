package dev.sockeye.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --config FILE}: keys are flags, the environment overrides the file, flags override both. */
class ConfigFileTest {
  @TempDir Path dir;

  private Path yaml(String text) throws Exception {
    return Files.writeString(dir.resolve("sockeye.yaml"), text);
  }

  private static RunCommand parse(Map<String, String> env, String... args) {
    CommandLine cli = Main.prepare(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), env, args);
    cli.parseArgs(args);
    return cli.getSubcommands().get("run").getCommand();
  }

  @Test
  void everyKeyOfTheFileSetsItsFlagInKebabOrSnakeCase() throws Exception {
    Path f = yaml("""
        bootstrap-servers: broker:9092
        kafka_config: /etc/sockeye/kafka.properties
        kafka-timeout-ms: 3000
        zygote_memory_mb: 512
        idle-timeout-ms: 1000
        unsafe-no-sandbox: true
        hide: [/srv/a, /srv/b]
        find_links: [/wheels]
        """);
    RunCommand run = parse(Map.of(), "run", "--config", f.toString());
    assertEquals("broker:9092", run.bootstrapServers);
    assertEquals(Path.of("/etc/sockeye/kafka.properties"), run.kafkaClient.kafkaConfig);
    assertEquals(3000, run.kafkaClient.kafkaTimeoutMs);
    assertEquals(512, run.zygoteMemoryMb);
    assertEquals(1000, run.idleTimeoutMs);
    assertTrue(run.sandbox.unsafeNoSandbox);
    assertEquals(List.of(Path.of("/srv/a"), Path.of("/srv/b")), run.sandbox.hide);
    assertEquals(List.of("/wheels"), run.pip.findLinks);
    assertEquals(300_000, parse(Map.of(), "run").idleTimeoutMs, "flags the file does not set keep their defaults");
  }

  @Test
  void theEnvironmentOverridesTheFileAndFlagsOverrideBoth() throws Exception {
    Path f = yaml("zygote-memory-mb: 512\nidle-timeout-ms: 1000\nfrozen-memory-mb: 7\n");
    Map<String, String> env = Map.of("SOCKEYE_ZYGOTE_MEMORY_MB", "640", "SOCKEYE_IDLE_TIMEOUT_MS", "2000");
    RunCommand run = parse(env, "run", "--config", f.toString(), "--idle-timeout-ms", "3000");
    assertEquals(640, run.zygoteMemoryMb);
    assertEquals(3000, run.idleTimeoutMs);
    assertEquals(7, run.frozenMemoryMb);
  }

  @Test
  void theConfigFileCanComeFromTheEnvironment() throws Exception {
    Path f = yaml("zygote-memory-mb: 512\n");
    assertEquals(512, parse(Map.of("SOCKEYE_CONFIG", f.toString()), "run").zygoteMemoryMb);
  }

  @Test
  void withoutAFileNothingChanges() {
    RunCommand run = parse(Map.of(), "run");
    assertNull(run.bootstrapServers);
    assertEquals(2048, run.zygoteMemoryMb);
  }

  private record Failure(int code, String err) {}

  private static Failure fail(Map<String, String> env, String... args) {
    StringWriter err = new StringWriter();
    // Should the file be accepted after all, run must not start a broker and a service: it fails on Kafka at once.
    String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
        java.util.stream.Stream.of("--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout-ms", "1")).toArray(String[]::new);
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), env, all);
    return new Failure(code, err.toString());
  }

  @Test
  void anUnknownKeyIsAUsageErrorNamingTheKeyAndTheFile() throws Exception {
    Path f = yaml("zygote-memory-mb: 512\ntimeout_sm: 5\n");
    Failure r = fail(Map.of(), "run", "--config", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("unknown key 'timeout_sm'") && r.err().contains(f.toString()), r.err());
  }

  @Test
  void aBadValueIsAUsageErrorNamingTheKeyAndTheFile() throws Exception {
    Path f = yaml("zygote-memory-mb: lots\n");
    Failure r = fail(Map.of(), "run", "--config", f.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains(f + ": key zygote-memory-mb") && r.err().contains("lots"), r.err());
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() {
    Failure r = fail(Map.of("SOCKEYE_ZYGOTE_MEMORY_MB", "lots"), "run");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("environment variable SOCKEYE_ZYGOTE_MEMORY_MB"), r.err());
  }

  @Test
  void aMapWhereAValueBelongsAndAListForASingleFlagAreErrorsNamingTheKey() throws Exception {
    Failure map = fail(Map.of(), "run", "--config", yaml("python:\n  path: /usr/bin/python3\n").toString());
    assertEquals(2, map.code());
    assertTrue(map.err().contains("key python: expected a value, got object"), map.err());
    Failure list = fail(Map.of(), "run", "--config", yaml("python: [a, b]\n").toString());
    assertEquals(2, list.code());
    assertTrue(list.err().contains("key python: expected one value, got a list"), list.err());
  }

  @Test
  void aMissingOrMalformedFileIsAUsageErrorNamingIt() throws Exception {
    Failure missing = fail(Map.of(), "run", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.yaml: no such file"), missing.err());
    Failure bad = fail(Map.of(), "run", "--config", yaml("a: [1,\n").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("not valid YAML"), bad.err());
  }
}
