package dev.sockeye.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FunctionYamlTest {
  @TempDir Path dir;

  private FunctionDefinition parse(String yaml) throws Exception {
    Path f = dir.resolve("function.yaml");
    Files.writeString(f, yaml);
    return FunctionYaml.parse(f);
  }

  @Test
  void minimalFileGetsTheDocumentedDefaults() throws Exception {
    FunctionDefinition d = parse("name: resize\ntriggers:\n  kafka:\n    topics: [images]\n");
    assertEquals("resize", d.name());
    assertEquals(List.of("images"), d.topics());
    assertNull(d.resultTopic());
    assertEquals("images.results", d.resultTopicFor("images"));
    assertEquals(30_000, d.limits().timeoutMs());
    assertEquals(128, d.limits().memoryMb());
    assertEquals(4, d.limits().concurrency());
    assertEquals("sockeye-resize", d.group());
  }

  @Test
  void explicitResultTopicAndLimitsAreKept() throws Exception {
    FunctionDefinition d = parse("name: a\ntriggers: {kafka: {topics: [x, y]}}\nresult_topic: out\ntimeout_ms: 50\nmemory_mb: 256\nconcurrency: 9\n");
    assertEquals("out", d.resultTopicFor("x"));
    assertEquals(50, d.limits().timeoutMs());
    assertEquals(256, d.limits().memoryMb());
    assertEquals(9, d.limits().concurrency());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "triggers: {kafka: {topics: [t]}}                                  | name            | is required",
    "name: Bad_Name\\ntriggers: {kafka: {topics: [t]}}                 | name            | must match",
    "name: a                                                           | triggers        | is required",
    "name: a\\ntriggers: {kafka: {topics: []}}                         | triggers.kafka.topics | non-empty list",
    "name: a\\ntriggers: {kafka: {topics: ['bad topic']}}              | triggers.kafka.topics[0] | not a valid Kafka topic",
    "name: a\\ntriggers: {kafka: {topics: [sockeye.functions]}}        | triggers.kafka.topics[0] | internal topic",
    "name: a\\ntriggers: {kafka: {topics: [t]}}\\nmemory_mb: 4         | memory_mb       | got 4",
    "name: a\\ntriggers: {kafka: {topics: [t]}}\\ntimeout_ms: soon     | timeout_ms      | must be an integer",
    "name: a\\ntriggers: {kafka: {topics: [t]}}\\nconcurrency: 0       | concurrency     | between 1 and",
    "name: a\\ntriggers: {kafka: {topics: [t]}}\\nmemroy_mb: 64        | memroy_mb       | not a known field",
    "name: a\\ntriggers: {kafka: {topics: [t], grup: g}}               | triggers.kafka.grup | not a known field",
  })
  void invalidFieldIsNamedWithTheReason(String yaml, String field, String reason) {
    InvalidFunctionException e = assertThrows(InvalidFunctionException.class, () -> parse(yaml.replace("\\n", "\n")));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().startsWith(dir.resolve("function.yaml").toString()), e.getMessage());
  }

  @Test
  void unparseableYamlNamesTheFileAndLine() {
    InvalidFunctionException e = assertThrows(InvalidFunctionException.class, () -> parse("name: a\ntriggers: [\n"));
    assertTrue(e.getMessage().contains("not valid YAML") && e.getMessage().contains("line"), e.getMessage());
  }

  @Test
  void logsMaxKbIsValidatedAtDeployAndReadBackWithItsDefault() throws Exception {
    parse("name: a\ntriggers: {kafka: {topics: [x]}}\nlogs_max_kb: 4\n");
    assertEquals(4, FunctionYaml.logsMaxKb(dir.resolve("function.yaml")));
    parse("name: a\ntriggers: {kafka: {topics: [x]}}\n");
    assertEquals(FunctionYaml.DEFAULT_LOGS_MAX_KB, FunctionYaml.logsMaxKb(dir.resolve("function.yaml")));
    InvalidFunctionException e = assertThrows(InvalidFunctionException.class,
        () -> parse("name: a\ntriggers: {kafka: {topics: [x]}}\nlogs_max_kb: 0\n"));
    assertTrue(e.getMessage().contains("logs_max_kb") && e.getMessage().contains("between 1 and 65536"), e.getMessage());
  }
}
