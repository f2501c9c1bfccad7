package dev.sockeye.zygote.invoke;

import java.util.List;
import java.util.Objects;

/**
 * The instance's answer to an {@link InvokeRequest}: one result per event, in request order. The first reply of
 * a forked instance also carries its cold-start trace and the modules it imported beyond its zygote's (both
 * empty otherwise).
 */
public record InvokeReply(long importMicros, List<EventReply> results, List<TraceMark> trace, List<String> imported) {
  public InvokeReply {
    results = List.copyOf(Objects.requireNonNull(results, "InvokeReply.results"));
    trace = List.copyOf(trace);
    imported = List.copyOf(imported);
  }

  public InvokeReply(long importMicros, List<EventReply> results) {
    this(importMicros, results, List.of(), List.of());
  }
}
