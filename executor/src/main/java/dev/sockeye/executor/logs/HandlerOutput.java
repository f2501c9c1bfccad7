package dev.sockeye.executor.logs;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Handler output as the executor reports it (its own type: callers never see zygote-manager's): a line, a note that output was dropped, or an invocation's summary. */
public sealed interface HandlerOutput {
  Origin origin();

  Instant time();

  /**
   * Who wrote it: the function, its version, the instance, and the idempotency keys of the invocation running
   * then (the batch's keys for a batch; empty for output between invocations, which belongs to the instance).
   */
  record Origin(String function, String version, String instance, List<String> keys) {
    public Origin {
      Objects.requireNonNull(function, "Origin.function");
      Objects.requireNonNull(version, "Origin.version");
      Objects.requireNonNull(instance, "Origin.instance");
      keys = List.copyOf(keys);
    }
  }

  /** Which of the instance's streams. */
  enum Stream { STDOUT, STDERR }

  /**
   * One line (without its newline). {@code cut}: the line was longer than the line cap and continues in the next
   * record of the same stream; a line still open when its invocation ended is reported uncut.
   */
  record Line(Origin origin, Instant time, Stream stream, String text, boolean cut) implements HandlerOutput {}

  /** {@code droppedBytes} more bytes were written after {@code capBytes}; they were read and thrown away. */
  record Truncated(Origin origin, Instant time, long droppedBytes, long capBytes) implements HandlerOutput {}

  /**
   * One per invocation, like Lambda's REPORT line: how it ended ({@code status}: OK, ERROR, TIMEOUT, OOM),
   * its start kind, handler duration, init duration on a cold start (fork and import; 0 when warm), the peak
   * memory of the instance's cgroup (0 when unsandboxed), and for an error its type, message and traceback.
   */
  record Report(Origin origin, Instant time, String status, String startKind, long durationUs, long initUs,
      long maxMemoryBytes, String error, String traceback) implements HandlerOutput {}
}
