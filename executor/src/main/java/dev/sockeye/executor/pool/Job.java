package dev.sockeye.executor.pool;

import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.zygote.invoke.InvokeMode;
import dev.sockeye.zygote.invoke.WireEvent;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** A batch of events submitted to a pool, and where its outcomes go (one per event, in order). */
record Job(List<WireEvent> events, InvokeMode mode, Instant submittedAt, CompletableFuture<List<InvocationOutcome>> result) {
  static Job of(List<WireEvent> events, InvokeMode mode, Instant now) {
    return new Job(List.copyOf(events), mode, now, new CompletableFuture<>());
  }
}
