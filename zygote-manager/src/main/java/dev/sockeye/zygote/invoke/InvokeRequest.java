package dev.sockeye.zygote.invoke;

import java.util.List;
import java.util.Objects;

/** A batch of events for one function, all travelling in one frame, with the absolute deadline in epoch millis. */
public record InvokeRequest(String function, List<WireEvent> events, long deadlineEpochMs, InvokeMode mode) {
  public InvokeRequest {
    Objects.requireNonNull(function, "InvokeRequest.function");
    events = List.copyOf(Objects.requireNonNull(events, "InvokeRequest.events"));
    Objects.requireNonNull(mode, "InvokeRequest.mode");
  }

  /** The handler is called once per event. */
  public InvokeRequest(String function, List<WireEvent> events, long deadlineEpochMs) {
    this(function, events, deadlineEpochMs, InvokeMode.EACH);
  }
}
