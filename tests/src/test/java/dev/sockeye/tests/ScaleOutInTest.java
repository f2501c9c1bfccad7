package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two `sockeye run` processes in one group while events keep arriving: the second joins mid-run,
 * then the first is stopped with SIGTERM mid-run. Kafka's group protocol moves the partitions;
 * every input gets a result, and the duplicates are bounded by the work in flight on the partitions
 * that moved.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class ScaleOutInTest {
  private static final String NAME = "scale";
  private static final String IN = NAME + "-in";
  private static final String GROUP = "sockeye-" + NAME;
  private static final int PARTITIONS = 6;
  private static final int BATCH_SIZE = 10;
  private static final int RATE_PER_SECOND = 300;

  @TempDir Path functions;
  @TempDir Path dataA;
  @TempDir Path dataB;

  /** Sends {"i": n} records at a steady rate until stopped, from its own thread. */
  private static final class PacedProducer implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final Thread thread = new Thread(this::run, "test-paced-producer");

    PacedProducer() {
      thread.start();
    }

    private void run() {
      try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(KafkaClients.producerConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap()), "test-paced"))) {
        long start = System.nanoTime();
        while (running.get()) {
          int i = sent.get();
          p.send(new ProducerRecord<>(IN, ("k" + i).getBytes(StandardCharsets.UTF_8), ("{\"i\": " + i + "}").getBytes(StandardCharsets.UTF_8)));
          sent.incrementAndGet();
          long due = start + (long) (i + 1) * 1_000_000_000L / RATE_PER_SECOND;
          LockSupport.parkNanos(due - System.nanoTime()); // pacing the load, not waiting for the system under test
        }
        p.flush();
      }
    }

    /** Stops sending; returns how many records were sent (all acknowledged). */
    int stop() throws InterruptedException {
      running.set(false);
      thread.join(TimeUnit.SECONDS.toMillis(30));
      return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }

  private static List<MemberDescription> members() throws Exception {
    try (Admin admin = Admin.create(KafkaClients.adminConfig(dev.sockeye.kafka.KafkaConnection.of(SharedKafka.bootstrap())))) {
      return List.copyOf(admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP).members());
    }
  }

  private static Set<TopicPartition> owned(List<MemberDescription> members, String memberId) {
    return members.stream().filter(m -> m.consumerId().equals(memberId))
        .flatMap(m -> m.assignment().topicPartitions().stream()).filter(tp -> tp.topic().equals(IN)).collect(Collectors.toSet());
  }

  private final long startNanos = System.nanoTime();

  /** Progress in the test's output, so a slow phase shows where the time went. */
  private void phase(String what) {
    System.out.printf("scale out/in at %5.1f s: %s%n", (System.nanoTime() - startNanos) / 1e9, what);
  }

  private static int results() {
    return Cluster.allResults(IN + ".results").size();
  }

  @Test
  void secondServiceJoinsAndFirstLeavesMidRunWithoutLossAndWithBoundedDuplicates() throws Exception {
    Cluster.createTopic(IN, PARTITIONS);
    assertEquals(0, Main.run("deploy", TestFunctions.write(functions, NAME, IN,
        "    ordering: partition\n    batch_size: " + BATCH_SIZE + "\n    batch_window_ms: 5\nconcurrency: 4\n",
        "def f(events):\n    return [e['value']['i'] for e in events]\n").toString(), "--bootstrap-servers", SharedKafka.bootstrap()));

    try (ChildService a = ChildService.start(SharedKafka.bootstrap(), dataA);
         PacedProducer producer = new PacedProducer()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> results() >= RATE_PER_SECOND);
      String memberA = members().get(0).consumerId();
      phase("A works");

      try (ChildService b = ChildService.start(SharedKafka.bootstrap(), dataB)) {
        // scale out: the group hands some of A's partitions to B (cooperative: A drains and commits them first)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          List<MemberDescription> m = members();
          return m.size() == 2 && m.stream().allMatch(d -> !d.assignment().topicPartitions().isEmpty());
        });
        phase("B joined");
        List<MemberDescription> shared = members();
        String memberB = shared.stream().map(MemberDescription::consumerId).filter(id -> !id.equals(memberA)).findFirst().orElseThrow();
        Set<TopicPartition> movedAtScaleOut = owned(shared, memberB);
        Set<TopicPartition> movedAtScaleIn = owned(shared, memberA);
        int before = results();
        await().atMost(Duration.ofSeconds(30)).until(() -> results() >= before + RATE_PER_SECOND);

        // scale in: A drains, commits and leaves; B takes over its partitions
        phase("both work; stopping A");
        a.stop();
        phase("A stopped");
        await().atMost(Duration.ofSeconds(30)).until(() -> owned(members(), memberB).size() == PARTITIONS);
        phase("B owns every partition");
        int afterIn = results();
        await().atMost(Duration.ofSeconds(30)).until(() -> results() >= afterIn + RATE_PER_SECOND);

        int sent = producer.stop();
        phase("B works alone; " + sent + " sent");
        Map<String, Integer> counts = Cluster.resultCounts(IN + ".results", sent, Duration.ofSeconds(60), false);
        assertEquals(sent, counts.size(), "inputs without a result; logs: " + a.log() + ", " + b.log());

        // At a rebalance only what was in flight on a moving partition can run twice: its result was
        // written but its offset not committed. Partition ordering keeps at most one batch in flight
        // per partition, so the bound is batch_size x partitions moved (at scale out, then at scale in).
        int duplicates = counts.values().stream().mapToInt(c -> c - 1).sum();
        int bound = BATCH_SIZE * (movedAtScaleOut.size() + movedAtScaleIn.size());
        assertTrue(duplicates <= bound, duplicates + " duplicate results for " + sent + " inputs; bound " + bound
            + " (" + movedAtScaleOut.size() + " partitions moved at scale out, " + movedAtScaleIn.size() + " at scale in)");
        System.out.printf("scale out/in: %d inputs, %d duplicates (bound %d)%n", sent, duplicates, bound);
        b.stop();
      }
    }
  }
}
