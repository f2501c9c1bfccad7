package dev.sockeye.metrics;

import static dev.sockeye.metrics.SockeyeMeters.*;

import dev.sockeye.binding.BindingObserver.PartitionLag;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group member's positions as gauges: per partition its committed and end offsets and its
 * lag in records and seconds, per topic the partitions assigned and paused, and the rebalances. A
 * partition's gauges exist while it is assigned here, so the series stay bounded by the partitions.
 * Called by the poll thread (and at stop, once it has stopped); gauges are read by the scrape thread,
 * so values sit in volatile fields.
 */
final class PositionGauges {
  private final MeterRegistry registry;
  private final String group;
  private final Counter rebalances;
  private final Map<TopicPartition, Position> partitions = new ConcurrentHashMap<>();
  private final Map<String, TopicCounts> topics = new ConcurrentHashMap<>();

  /** One partition's latest numbers and its four gauges. */
  private static final class Position {
    volatile double committed;
    volatile double end;
    volatile double lagRecords;
    volatile double lagSeconds;
    final List<Meter> meters = new ArrayList<>(4);
  }

  private static final class TopicCounts {
    volatile int assigned;
    volatile int paused;
    final List<Meter> meters = new ArrayList<>(2);
  }

  PositionGauges(MeterRegistry registry, String group) {
    this.registry = registry;
    this.group = group;
    this.rebalances = counter(registry, REBALANCES, "Rebalances this member took part in", GROUP, group);
  }

  void rebalanced() {
    rebalances.increment();
  }

  void update(List<PartitionLag> lags, Collection<TopicPartition> paused) {
    Map<String, int[]> counts = new HashMap<>();
    for (PartitionLag l : lags) {
      Position p = partitions.computeIfAbsent(l.partition(), this::register);
      p.committed = l.committed();
      p.end = l.end();
      p.lagRecords = l.lagRecords();
      p.lagSeconds = l.lagSeconds();
      int[] c = counts.computeIfAbsent(l.partition().topic(), t -> new int[2]);
      c[0]++;
      if (paused.contains(l.partition())) {
        c[1]++;
      }
    }
    topics.forEach((topic, t) -> {
      if (!counts.containsKey(topic)) {
        t.assigned = 0;
        t.paused = 0;
      }
    });
    counts.forEach((topic, c) -> {
      TopicCounts t = topics.computeIfAbsent(topic, this::register);
      t.assigned = c[0];
      t.paused = c[1];
    });
  }

  void remove(Collection<TopicPartition> gone) {
    for (TopicPartition tp : gone) {
      Position p = partitions.remove(tp);
      if (p != null) {
        p.meters.forEach(registry::remove);
      }
    }
  }

  void close() {
    remove(new ArrayList<>(partitions.keySet()));
    topics.values().forEach(t -> t.meters.forEach(registry::remove));
    topics.clear();
  }

  private Position register(TopicPartition tp) {
    Position p = new Position();
    String[] tags = {GROUP, group, TOPIC, tp.topic(), PARTITION, Integer.toString(tp.partition())};
    p.meters.add(gauge(LAG_RECORDS, "Records after the committed offset", p, x -> x.lagRecords, tags));
    p.meters.add(gauge(LAG_SECONDS, "Age of the oldest record after the committed offset; 0 when none", p, x -> x.lagSeconds, tags));
    p.meters.add(gauge(COMMITTED_OFFSET, "The group's committed offset", p, x -> x.committed, tags));
    p.meters.add(gauge(END_OFFSET, "The partition's end offset", p, x -> x.end, tags));
    return p;
  }

  private TopicCounts register(String topic) {
    TopicCounts t = new TopicCounts();
    t.meters.add(gauge(PARTITIONS_ASSIGNED, "Partitions of the topic assigned to this member", t, x -> x.assigned, GROUP, group, TOPIC, topic));
    t.meters.add(gauge(PARTITIONS_PAUSED, "Assigned partitions paused: they hold enough unprocessed work", t, x -> x.paused, GROUP, group, TOPIC, topic));
    return t;
  }

  private <T> Meter gauge(String name, String description, T state, java.util.function.ToDoubleFunction<T> f, String... tags) {
    return Gauge.builder(name, state, f).description(description).tags(tags).strongReference(true).register(registry);
  }
}
