package dev.sockeye.zygote.protocol;

import java.util.List;
import java.util.Objects;

/** The instance's answer to an {@link InvokeRequest}: one result per event, in request order. */
public record InvokeReply(long importMicros, List<EventReply> results) {
  public InvokeReply {
    results = List.copyOf(Objects.requireNonNull(results, "InvokeReply.results"));
  }
}
