package dev.sockeye.replay;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code sockeye replay} was asked for, before anything is resolved against the cluster.
 *
 * @param version a version hash or a prefix of one; null for the function's current version
 * @param name the replay's name (resumable under it); null to make one up
 * @param resultTopic null for {@code <result_topic>.replay.<name>}
 * @param ratePerSecond 0 for no limit
 */
public record ReplayRequest(String function, String version, String name, Source source, String resultTopic, boolean dryRun,
                            double ratePerSecond, boolean redriveToSource) {
  /** Where the records come from. */
  public sealed interface Source permits Topic, File, DeadLetters {
    /** What the user named, as stored with the plan (a resumed replay must name the same). */
    String label();
  }

  /** {@code --topic T [--partitions ..] [--from ..] [--to ..]}; an empty partition list is every partition. */
  public record Topic(String topic, List<Integer> partitions, OffsetBound from, OffsetBound to) implements Source {
    @Override
    public String label() {
      return "--topic " + topic;
    }
  }

  /** {@code --file F}: JSON lines or an Avro object container file. */
  public record File(Path path) implements Source {
    @Override
    public String label() {
      return "--file " + path.toAbsolutePath().normalize();
    }
  }

  /** {@code --dead-letters T.dlq [--partitions ..] [--from ..] [--to ..]}. */
  public record DeadLetters(String topic, List<Integer> partitions, OffsetBound from, OffsetBound to) implements Source {
    @Override
    public String label() {
      return "--dead-letters " + topic;
    }
  }
}
