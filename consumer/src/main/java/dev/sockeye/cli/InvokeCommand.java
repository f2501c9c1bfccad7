package dev.sockeye.cli;

import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ExecutorSettings;
import dev.sockeye.executor.FunctionDeployment;
import dev.sockeye.executor.HandlerCacheSettings;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.sandbox.SandboxSettings;
import dev.sockeye.executor.ImportCacheSettings;
import dev.sockeye.format.InputDecoder;
import dev.sockeye.format.InputFormat;
import dev.sockeye.format.InputYaml;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.HandlerCheck;
import dev.sockeye.function.Requirements;
import dev.sockeye.executor.Event;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sockeye invoke DIR}: runs a function on events locally, through the same executor, zygotes and
 * sandboxes as the service, without Kafka. Exit codes: 0 every event OK, 1 a handler failed (or the function
 * is invalid, or the host cannot sandbox), 2 usage.
 */
@Command(name = "invoke", mixinStandardHelpOptions = true, description = "Run a function directory on events locally (no Kafka): output, status, timings.")
final class InvokeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "The function directory (function.yaml, f.py, optional requirements.txt)")
  Path dir;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--event", paramLabel = "JSON", description = "One event's value, as JSON")
    String event;

    @Option(names = "--file", paramLabel = "FILE", description = "A .jsonl file: one event value per line")
    Path file;
  }

  @Option(names = "--json", description = "Print one JSON object per event instead of text")
  boolean json;

  @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Interpreter handlers run on (default: ${DEFAULT-VALUE})")
  Path python;

  @Option(names = "--data-dir", defaultValue = "sockeye-data", description = "Its package store (packages/) is shared with run (default: ${DEFAULT-VALUE})")
  Path dataDir;

  @Mixin SandboxOptions sandbox;
  @Mixin PipOptions pip;

  @Override
  public Integer call() throws Exception {
    FunctionPackage pkg = FunctionPackage.load(dir, new HandlerCheck(python));
    List<Event> events = events(pkg.definition());
    Path work = Files.createTempDirectory("sockeye-invoke-");
    int failed = 0;
    try (Executor executor = executor(work)) {
      FunctionDefinition d = pkg.definition();
      InvokeLogs logs = new InvokeLogs();
      executor.handlerOutput(logs);
      executor.deploy(new FunctionDeployment(d.name(), pkg.version(), dir.toAbsolutePath(), d.limits(), Requirements.read(dir), d.tenant()));
      InvokePrinter printer = new InvokePrinter(json, System.out, n -> {
        try {
          return logs.of(events.get(n - 1).idempotencyKey(), Duration.ofSeconds(2));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return java.util.Optional.empty();
        }
      });
      for (int i = 0; i < events.size(); i++) {
        InvocationOutcome o = executor.invoke(d.name(), List.of(events.get(i)))
            .get(d.limits().timeoutMs() + 60_000L, TimeUnit.MILLISECONDS).get(0);
        failed += printer.print(i + 1, o) ? 0 : 1;
      }
    } finally {
      deleteTree(work);
    }
    return failed == 0 ? 0 : 1;
  }

  /** Each line's JSON is a record value, decoded as the function's input format would (Avro: the decoded dict). */
  private List<Event> events(FunctionDefinition d) throws Exception {
    String source = input.file != null ? input.file.toString() : "--event";
    String text = input.file != null ? Files.readString(input.file, StandardCharsets.UTF_8) : input.event;
    List<JsonLines.Line> lines = JsonLines.read(new BufferedReader(new StringReader(text)), source, null);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(source + ": no events (one JSON value per line)");
    }
    InputDecoder decoder = InputDecoder.of(InputYaml.read(dir));
    String topic = d.topics().isEmpty() ? "invoke" : d.topics().get(0);
    List<Event> events = new ArrayList<>();
    for (JsonLines.Line l : lines) {
      Event raw = new Event(topic, 0, l.number() - 1, System.currentTimeMillis(), null, l.value(), List.of(),
          topic + "-0-" + (l.number() - 1));
      events.add(decoder.settings().format() == InputFormat.AVRO ? raw : ready(decoder, raw, source, l.number()));
    }
    return events;
  }

  private static Event ready(InputDecoder decoder, Event raw, String source, int line) throws Exception {
    InputDecoder.Decoded d = decoder.decodeAll(List.of(raw)).get().get(0);
    if (d instanceof InputDecoder.Decoded.Undecodable u) {
      throw new IllegalArgumentException(source + " line " + line + ": " + u.reason());
    }
    return ((InputDecoder.Decoded.Ready) d).event();
  }

  private Executor executor(Path work) {
    Path store = dataDir.toAbsolutePath().resolve("packages");
    SandboxSettings sb = null;
    if (!sandbox.unsafeNoSandbox) {
      List<Path> hidden = new ArrayList<>(sandbox.hide);
      hidden.add(dataDir.toAbsolutePath());
      SandboxSettings d = SandboxSettings.defaults(work.resolve("sb"), hidden);
      sb = new SandboxSettings(d.area(), sandbox.base, store, hidden, d.cgroupRoot(), d.firstUid(), d.spare());
    }
    return new Executor(new ExecutorSettings(python, work, List.of(), Duration.ofSeconds(30), store, pip.settings(python),
        ImportCacheSettings.defaults(), HandlerCacheSettings.defaults(), sb), Clock.systemUTC());
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
