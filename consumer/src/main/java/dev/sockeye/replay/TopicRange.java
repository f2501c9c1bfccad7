package dev.sockeye.replay;

import dev.sockeye.binding.Bounded.Range;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Resolves {@code --topic/--partitions/--from/--to} into offset ranges per partition: offsets as
 * given (clamped to what the log holds), instants with offsetsForTimes, the ends with the
 * beginning and end offsets. Blocking; the consumer is the caller's.
 */
final class TopicRange {
  private TopicRange() {}

  static Map<TopicPartition, Range> resolve(Consumer<byte[], byte[]> consumer, String topic, List<Integer> partitions,
                                            OffsetBound from, OffsetBound to) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new UsageException("--topic " + topic + ": no such topic");
    }
    List<TopicPartition> parts = new java.util.ArrayList<>();
    for (PartitionInfo p : infos) {
      if (partitions.isEmpty() || partitions.contains(p.partition())) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
    }
    for (int p : partitions) {
      if (infos.stream().noneMatch(i -> i.partition() == p)) {
        throw new UsageException("--partitions " + p + ": " + topic + " has partitions 0.." + (infos.size() - 1));
      }
    }
    if (from instanceof OffsetBound.Time f && to instanceof OffsetBound.Time t && t.instant().isBefore(f.instant())) {
      throw new UsageException("--to " + t.instant() + " is before --from " + f.instant());
    }
    if (from instanceof OffsetBound.At f && to instanceof OffsetBound.At t && t.offset() < f.offset()) {
      throw new UsageException("--to " + t.offset() + " is before --from " + f.offset());
    }
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts, Duration.ofSeconds(30));
    Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
    Map<TopicPartition, Long> starts = offsets(consumer, from, parts, begin, end);
    Map<TopicPartition, Long> ends = offsets(consumer, to, parts, begin, end);
    Map<TopicPartition, Range> ranges = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
    for (TopicPartition tp : parts) {
      if (ends.get(tp) < starts.get(tp)) {
        throw new UsageException("--to " + describe(to) + " is before --from " + describe(from) + " in " + tp
            + " (offset " + ends.get(tp) + " < " + starts.get(tp) + ")");
      }
      long s = Math.max(begin.get(tp), Math.min(starts.get(tp), end.get(tp)));
      long e = Math.max(s, Math.min(ends.get(tp), end.get(tp)));
      ranges.put(tp, new Range(s, e));
    }
    if (ranges.values().stream().mapToLong(Range::size).sum() == 0) {
      throw new UsageException("empty range: " + topic + (partitions.isEmpty() ? "" : " partitions " + partitions)
          + " holds no records from --from " + describe(from) + " to --to " + describe(to) + " (log offsets " + begin + " to " + end + ")");
    }
    return ranges;
  }

  static String describe(OffsetBound b) {
    if (b instanceof OffsetBound.At at) {
      return Long.toString(at.offset());
    }
    if (b instanceof OffsetBound.Time t) {
      return t.instant().toString();
    }
    return b instanceof OffsetBound.Earliest ? "earliest" : "latest";
  }

  /**
   * Where a bound falls in each partition. Ends are exclusive, like Kafka's end offsets ({@code
   * latest}): {@code --from 1000 --to 2000} is offsets 1000..1999, and an instant's end is the
   * first record at or after it.
   */
  private static Map<TopicPartition, Long> offsets(Consumer<byte[], byte[]> consumer, OffsetBound bound, List<TopicPartition> parts,
                                                   Map<TopicPartition, Long> begin, Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> out = new HashMap<>();
    if (bound instanceof OffsetBound.Earliest) {
      parts.forEach(tp -> out.put(tp, begin.get(tp)));
    } else if (bound instanceof OffsetBound.Latest) {
      parts.forEach(tp -> out.put(tp, end.get(tp)));
    } else if (bound instanceof OffsetBound.At at) {
      parts.forEach(tp -> out.put(tp, at.offset()));
    } else if (bound instanceof OffsetBound.Time t) {
      Map<TopicPartition, Long> query = new HashMap<>();
      parts.forEach(tp -> query.put(tp, t.instant().toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
      parts.forEach(tp -> {
        OffsetAndTimestamp o = found.get(tp);
        out.put(tp, o == null ? end.get(tp) : o.offset()); // nothing that late: the end of the log
      });
    }
    return out;
  }
}
