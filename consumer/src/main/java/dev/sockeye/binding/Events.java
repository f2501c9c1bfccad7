package dev.sockeye.binding;

import dev.sockeye.executor.Event;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Maps a Kafka record to the event a handler receives. Values stay bytes here; the runtime decodes JSON. */
final class Events {
  private Events() {}

  static Event of(ConsumerRecord<byte[], byte[]> r) {
    List<Event.Header> headers = new ArrayList<>();
    for (Header h : r.headers()) {
      headers.add(new Event.Header(h.key(), h.value()));
    }
    return new Event(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers, idempotencyKey(r));
  }

  /** Stable across redeliveries of the same record: handlers deduplicate their side effects with it. */
  static String idempotencyKey(ConsumerRecord<?, ?> r) {
    return r.topic() + "-" + r.partition() + "-" + r.offset();
  }
}
