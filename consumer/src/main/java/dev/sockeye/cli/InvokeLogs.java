package dev.sockeye.cli;

import dev.sockeye.executor.logs.HandlerOutput;
import dev.sockeye.executor.logs.OutputSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashMap;

/**
 * {@code sockeye invoke}'s handler output: what each event's invocation printed, as the executor captures it for
 * the service's {@code sockeye.logs}. Output outside an invocation (imports, background threads) is shown with the
 * next event asked for. Written on the executor's output and invoking threads, read on the command's thread: all
 * state is guarded by {@code this}.
 */
final class InvokeLogs implements OutputSink {
  private final Map<String, List<String>> lines = new HashMap<>(); // guarded by this; by idempotency key
  private final Set<String> reported = new HashSet<>(); // guarded by this: keys whose REPORT arrived
  private final List<String> instance = new ArrayList<>(); // guarded by this: lines of no invocation

  @Override
  public synchronized void accept(HandlerOutput output) {
    List<String> keys = output.origin().keys();
    if (output instanceof HandlerOutput.Report) {
      reported.addAll(keys);
      notifyAll();
      return;
    }
    String text = output instanceof HandlerOutput.Line l
        ? (l.stream() == HandlerOutput.Stream.STDERR ? "stderr: " : "") + l.text() + (l.cut() ? " [cut]" : "")
        : "[truncated: " + ((HandlerOutput.Truncated) output).droppedBytes() + " more bytes dropped past "
            + ((HandlerOutput.Truncated) output).capBytes() + "]";
    if (keys.isEmpty()) {
      instance.add(text);
    } else {
      keys.forEach(k -> lines.computeIfAbsent(k, x -> new ArrayList<>()).add(text));
    }
  }

  /** The lines of the invocation of {@code key}, once its REPORT is in (at most {@code wait}); empty when none. */
  synchronized Optional<String> of(String key, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    for (long left = wait.toMillis(); !reported.contains(key) && left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
      wait(left);
    }
    List<String> all = new ArrayList<>(instance);
    instance.clear();
    all.addAll(lines.getOrDefault(key, List.of()));
    lines.remove(key);
    return all.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", all));
  }
}
