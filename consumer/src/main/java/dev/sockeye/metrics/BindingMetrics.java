package dev.sockeye.metrics;

import static dev.sockeye.metrics.SockeyeMeters.*;

import dev.sockeye.binding.BindingObserver;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.StartKind;
import dev.sockeye.executor.Timings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * One binding's meters. Per-record meters are resolved once here, not per event: the event loop
 * only increments. The consumer-position meters live in {@link PositionGauges}. Thread-safety: the
 * event loop, the poll thread and the transaction thread call it (see {@link BindingObserver});
 * Micrometer's meters are thread-safe and the lazily made ones sit in concurrent maps.
 */
final class BindingMetrics implements BindingObserver {
  private final MeterRegistry registry;
  private final String function;
  private final Runnable onAssigned;
  private static final String[] STATUSES = {"OK", "ERROR", "TIMEOUT", "OOM", "REJECTED"};
  /** [status][start kind], made on first use; only the event loop touches it. */
  private final Counter[][] invocations = new Counter[STATUSES.length][StartKind.values().length];
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Counter results;
  private final Counter deadLettered;
  private final Counter retries;
  private final Counter committed;
  private final Counter aborted;
  private final Timer eventToResult;
  private final Timer[] phases = new Timer[PHASES.length];
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Gauge inFlightGauge;
  private final PositionGauges positions;
  private final List<KafkaClientMetrics> clients = new CopyOnWriteArrayList<>();
  private volatile KafkaClientMetrics producerMetrics;

  BindingMetrics(MeterRegistry registry, String function, String group, Runnable onAssigned) {
    this.registry = registry;
    this.function = function;
    this.onAssigned = onAssigned;
    this.results = counter(registry, RECORDS_COMPLETED, "Records done, by outcome", FUNCTION, function, OUTCOME, "result");
    this.deadLettered = counter(registry, RECORDS_COMPLETED, "Records done, by outcome", FUNCTION, function, OUTCOME, "dead_letter");
    this.retries = counter(registry, RETRIES, "Failed records scheduled to run again", FUNCTION, function);
    this.committed = counter(registry, TRANSACTIONS, "Transactions ended", FUNCTION, function, RESULT, "committed");
    this.aborted = counter(registry, TRANSACTIONS, "Transactions ended", FUNCTION, function, RESULT, "aborted");
    this.eventToResult = histogram(registry, EVENT_TO_RESULT, "From the input record's timestamp to its result's acknowledgement", FUNCTION, function);
    for (int i = 0; i < PHASES.length; i++) {
      phases[i] = histogram(registry, PHASE, "Time spent in each phase of an invocation", FUNCTION, function, PHASE_TAG, PHASES[i]);
    }
    this.inFlightGauge = Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get).description("Records handed to the executor and not finished")
        .tags(FUNCTION, function).strongReference(true).register(registry);
    this.positions = new PositionGauges(registry, group);
  }

  @Override
  public void dispatched(int events) {
    inFlight.addAndGet(events);
  }

  @Override
  public void invoked(InvocationOutcome outcome, Duration queued) {
    inFlight.decrementAndGet();
    StartKind kind = outcome.startKind();
    int status = status(outcome);
    Counter c = invocations[status][kind.ordinal()];
    if (c == null) {
      c = counter(registry, INVOCATIONS, "Invocations of a handler on one record", FUNCTION, function, STATUS, STATUSES[status], START_KIND, kind.name());
      invocations[status][kind.ordinal()] = c;
    }
    c.increment();
    Timings t = outcome.timings();
    phases[0].record(queued);
    if (kind != StartKind.WARM && kind != StartKind.UNSANDBOXED_WARM && !(outcome instanceof InvocationOutcome.Rejected)) {
      phases[1].record(t.sandboxUs(), TimeUnit.MICROSECONDS);
      phases[2].record(t.forkUs(), TimeUnit.MICROSECONDS);
      phases[3].record(t.importUs(), TimeUnit.MICROSECONDS);
    }
    if (!(outcome instanceof InvocationOutcome.Rejected)) {
      phases[4].record(t.handlerUs(), TimeUnit.MICROSECONDS);
    }
  }

  /** The index in STATUSES: the result record's status names. */
  private static int status(InvocationOutcome o) {
    if (o instanceof InvocationOutcome.Succeeded) {
      return 0;
    } else if (o instanceof InvocationOutcome.TimedOut) {
      return 2;
    } else if (o instanceof InvocationOutcome.OutOfMemory) {
      return 3;
    }
    return o instanceof InvocationOutcome.Rejected ? 4 : 1;
  }

  @Override
  public void retried() {
    retries.increment();
  }

  @Override
  public void completed(String deadLetterReason, Duration sinceEvent, Duration publish) {
    eventToResult.record(sinceEvent);
    phases[5].record(publish);
    if (deadLetterReason == null) {
      results.increment();
      return;
    }
    deadLettered.increment();
    String reason = deadLetterReason(deadLetterReason);
    deadLetters.computeIfAbsent(reason, r -> counter(registry, DEAD_LETTERS, "Records dead-lettered, by why",
        FUNCTION, function, REASON, r)).increment();
  }

  @Override
  public void consumerCreated(Consumer<?, ?> consumer) {
    KafkaClientMetrics m = new KafkaClientMetrics(consumer);
    m.bindTo(registry);
    clients.add(m);
  }

  @Override
  public void producerCreated(Producer<?, ?> producer) {
    KafkaClientMetrics m = new KafkaClientMetrics(producer);
    m.bindTo(registry);
    KafkaClientMetrics old = producerMetrics;
    producerMetrics = m;
    if (old != null) {
      old.close(); // the producer it watched was closed (fenced)
    }
  }

  @Override
  public void assigned(java.util.Collection<org.apache.kafka.common.TopicPartition> added) {
    positions.rebalanced();
    onAssigned.run();
  }

  @Override
  public void revoked(java.util.Collection<org.apache.kafka.common.TopicPartition> removed) {
    positions.remove(removed);
  }

  @Override
  public void positions(List<PartitionLag> lags, java.util.Collection<org.apache.kafka.common.TopicPartition> paused) {
    positions.update(lags, paused);
  }

  @Override
  public void transaction(boolean ok) {
    (ok ? committed : aborted).increment();
  }

  /** The binding stopped: its gauges go (they would show stale values), its counters stay (they only grow). */
  @Override
  public void closed() {
    positions.close();
    registry.remove((Meter) inFlightGauge);
    clients.forEach(KafkaClientMetrics::close);
    if (producerMetrics != null) {
      producerMetrics.close();
    }
  }
}
