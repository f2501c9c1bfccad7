package dev.sockeye.binding;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the binding's consumer lag on the poll thread, which owns the consumer: no extra client,
 * and no call on the event loop. At most once per {@code every} it asks the broker for the assigned
 * partitions' committed and end offsets (two round trips) and reports, per partition, the records
 * between them and the age of the oldest one. That age comes from the timestamps of records this
 * consumer polled: every record after the committed offset was polled by it (a partition starts at
 * its committed offset when assigned), so the first remembered record at or after the committed
 * offset is the oldest unprocessed one. Remembered timestamps below the committed offset are dropped
 * at each report. Owned by the poll thread; not thread-safe.
 */
final class LagProbe {
  private static final Logger log = LoggerFactory.getLogger(LagProbe.class);
  private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(2);

  private final BindingObserver observer;
  private final Clock clock;
  private final long everyMs;
  private final Map<TopicPartition, OffsetTimes> polled = new HashMap<>();
  private long lastReportMs;
  private boolean reported; // lastReportMs is set
  private boolean failing;

  LagProbe(BindingObserver observer, Clock clock, Duration every) {
    this.observer = observer;
    this.clock = clock;
    this.everyMs = every.toMillis();
  }

  /** Remembers the offsets and timestamps of records just polled. */
  void polled(List<ConsumerRecord<byte[], byte[]>> records) {
    if (observer == BindingObserver.NONE) {
      return;
    }
    TopicPartition last = null;
    OffsetTimes times = null;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      if (last == null || r.partition() != last.partition() || !r.topic().equals(last.topic())) {
        last = new TopicPartition(r.topic(), r.partition());
        times = polled.computeIfAbsent(last, tp -> new OffsetTimes());
      }
      times.add(r.offset(), r.timestamp());
    }
  }

  /** Partitions moved away or rewound: what was remembered of them no longer holds. */
  void forget(Collection<TopicPartition> parts) {
    parts.forEach(polled::remove);
  }

  /** Reports positions if {@code every} has passed since the last report; a failure is logged and retried later. */
  void maybeReport(Consumer<byte[], byte[]> consumer) {
    long now = clock.millis();
    if (observer == BindingObserver.NONE || (reported && now - lastReportMs < everyMs)) {
      return;
    }
    reported = true;
    lastReportMs = now;
    Set<TopicPartition> assigned = consumer.assignment();
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = assigned.isEmpty() ? Map.of() : consumer.committed(assigned, BROKER_TIMEOUT);
      Map<TopicPartition, Long> ends = assigned.isEmpty() ? Map.of() : consumer.endOffsets(assigned, BROKER_TIMEOUT);
      List<BindingObserver.PartitionLag> lags = new ArrayList<>(assigned.size());
      for (TopicPartition tp : assigned) {
        lags.add(lag(tp, committed.get(tp), ends.get(tp), now));
      }
      polled.keySet().retainAll(assigned);
      observer.positions(lags, consumer.paused());
      if (failing) {
        failing = false;
        log.info("consumer lag of {} is measured again", assigned);
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      throw e; // closing: the poll loop ends
    } catch (RuntimeException e) { // the broker is away: keep polling, report again later
      if (!failing) {
        failing = true;
        log.warn("could not measure consumer lag of {}: {}", assigned, e.toString());
      }
    }
  }

  private BindingObserver.PartitionLag lag(TopicPartition tp, OffsetAndMetadata committedOrNull, Long endOrNull, long nowMs) {
    OffsetTimes times = polled.get(tp);
    long end = endOrNull == null ? -1 : endOrNull;
    // Nothing committed yet (a new group): the oldest record this consumer has not finished is where it started.
    long committed = committedOrNull != null ? committedOrNull.offset()
        : times != null && !times.isEmpty() ? times.firstOffset() : Math.max(0, end);
    long records = end < 0 ? 0 : Math.max(0, end - committed);
    double seconds = 0;
    if (times != null) {
      times.dropBelow(committed);
      if (records > 0 && !times.isEmpty()) {
        seconds = Math.max(0, nowMs - times.firstTimestamp()) / 1000.0;
      }
    }
    return new BindingObserver.PartitionLag(tp, committed, end, records, seconds);
  }
}
