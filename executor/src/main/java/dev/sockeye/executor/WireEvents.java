package dev.sockeye.executor;

import dev.sockeye.zygote.invoke.WireEvent;
import dev.sockeye.zygote.invoke.WireHeader;
import java.util.ArrayList;
import java.util.List;

/** Maps the executor's {@link Event}s to the zygote manager's, at the executor's edge. Stateless. */
final class WireEvents {
  private WireEvents() {}

  static List<WireEvent> of(List<Event> events) {
    List<WireEvent> wire = new ArrayList<>(events.size());
    for (Event e : events) {
      wire.add(of(e));
    }
    return wire;
  }

  static WireEvent of(Event e) {
    List<WireHeader> headers = new ArrayList<>(e.headers().size());
    for (Event.Header h : e.headers()) {
      headers.add(new WireHeader(h.name(), h.value()));
    }
    return new WireEvent(e.topic(), e.partition(), e.offset(), e.timestamp(), e.key(), e.value(), headers,
        e.idempotencyKey(), e.rawValue());
  }
}
