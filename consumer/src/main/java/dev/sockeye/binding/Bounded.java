package dev.sockeye.binding;

import dev.sockeye.executor.InvocationOutcome;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A binding that consumes fixed offset ranges instead of following its topics (a replay): the
 * poller assigns exactly these partitions (no group membership, so no rebalance touches anyone
 * else), starts each at its committed offset or the range's start, and stops fetching at its end.
 *
 * @param replayName marks every result (header {@code sockeye.replay}) as produced by this replay
 * @param ranges per partition, the offsets to run: {@code [from, to)}
 * @param present the record the handler sees and the result describes, for a consumed one (a dead
 *     letter's original topic, partition, offset and headers); offsets and commits stay the consumed record's
 * @param throttle called on the poll thread before records are handed over; may block
 * @param observer told, on the binding's event loop, of every delivered input and of partitions that are done
 */
public record Bounded(String replayName, Map<TopicPartition, Range> ranges,
                      UnaryOperator<ConsumerRecord<byte[], byte[]>> present, Throttle throttle, Observer observer) {
  public static final String REPLAY_HEADER = "sockeye.replay";
  public static final String REPLAY_SOURCE_HEADER = "sockeye.replay.source";

  public Bounded {
    Objects.requireNonNull(replayName, "replayName");
    ranges = Map.copyOf(ranges);
    Objects.requireNonNull(present, "present");
    Objects.requireNonNull(throttle, "throttle");
    Objects.requireNonNull(observer, "observer");
  }

  /** Offsets {@code from} (inclusive) to {@code to} (exclusive) of one partition. */
  public record Range(long from, long to) {
    public Range {
      if (from < 0 || to < from) {
        throw new IllegalArgumentException("offset range [" + from + ", " + to + ") is not a range");
      }
    }

    public long size() {
      return to - from;
    }
  }

  /** Paces the records handed to the dispatcher. Called on the poll thread only. */
  public interface Throttle {
    Throttle NONE = permits -> { };

    /** Returns once {@code permits} records may go; returns early (and lets them go) once the binding stops. */
    void acquire(int permits);

    /** Most records handed over at once, so that a slow rate paces records rather than whole polls. */
    default int chunk() {
      return Integer.MAX_VALUE;
    }
  }

  /** Called on the binding's event loop. */
  public interface Observer {
    /** An input's result (and dead letter, if any) was acknowledged. */
    void delivered(TopicPartition consumed, long offset, InvocationOutcome outcome, boolean deadLettered);

    /** Every record of {@code tp}'s range was delivered (or the range held none). */
    default void partitionDone(TopicPartition tp) {}
  }
}
