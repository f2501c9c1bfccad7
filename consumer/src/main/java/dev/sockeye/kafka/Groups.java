package dev.sockeye.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/** Asks the cluster about consumer groups. Blocking. */
public final class Groups {
  private Groups() {}

  /**
   * Waits until every group is stable and its members own at least one partition, so that what is
   * produced next is consumed at once rather than after a join. Returns false at the deadline.
   */
  public static boolean awaitAssigned(KafkaConnection kafka, Collection<String> groups, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    try (Admin admin = Admin.create(KafkaClients.adminConfig(kafka))) {
      while (Instant.now().isBefore(deadline)) {
        if (allAssigned(admin, groups)) {
          return true;
        }
        // The coordinator has no push API for this; ask again shortly.
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private static boolean allAssigned(Admin admin, Collection<String> groups) throws InterruptedException {
    try {
      for (ConsumerGroupDescription d : admin.describeConsumerGroups(List.copyOf(groups)).all().get(5, TimeUnit.SECONDS).values()) {
        boolean owned = d.members().stream().anyMatch(m -> !m.assignment().topicPartitions().isEmpty());
        if (d.groupState() != GroupState.STABLE || !owned) {
          return false;
        }
      }
      return true;
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return false; // the group may not exist yet
    }
  }
}
