package dev.sockeye.service;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Whether the service is ready for work: it has read the deployments, the broker answers, and every
 * deployed function's binding has finished joining its consumer group (an empty assignment counts:
 * a member of a group with more members than partitions is ready, just idle). {@link #notReady()}
 * never blocks, so the HTTP event loop may call it; the broker is probed on the service's status
 * thread. Thread-safe: volatile fields and a concurrent map.
 */
final class Readiness {
  private final Map<String, Boolean> assigned = new ConcurrentHashMap<>(); // function -> its binding has joined
  private final String bootstrap;
  private volatile boolean started;
  private volatile String brokerProblem = "broker not checked yet";

  Readiness(String bootstrap) {
    this.bootstrap = bootstrap;
  }

  /** A binding for {@code function} is being (re)started: not ready until it joins its group. */
  void expect(String function) {
    assigned.put(function, false);
  }

  /** Its binding finished a rebalance. */
  void assigned(String function) {
    assigned.replace(function, true);
  }

  void forget(String function) {
    assigned.remove(function);
  }

  /** Every deployment known at start is running. */
  void started() {
    started = true;
  }

  /** Blocking (up to 2 s): asks the broker for the cluster's nodes. */
  void probe(Admin admin) {
    try {
      int nodes = admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
      brokerProblem = nodes > 0 ? null : "broker " + bootstrap + " reports no nodes";
    } catch (Exception e) {
      brokerProblem = "broker " + bootstrap + " unreachable: " + (e.getCause() != null ? e.getCause() : e);
    }
  }

  /** Why the service is not ready, or empty when it is. Never blocks. */
  Optional<String> notReady() {
    if (!started) {
      return Optional.of("starting: reading deployments");
    }
    String broker = brokerProblem;
    if (broker != null) {
      return Optional.of(broker.replace('\n', ' '));
    }
    return assigned.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).sorted().findFirst()
        .map(f -> "binding of " + f + " has not joined its consumer group yet");
  }
}
