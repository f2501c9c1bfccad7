package dev.sockeye.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Every meter name, tag and unit Sockeye exports, in one place: {@code prometheus/} rules and the
 * dashboards use exactly these names. Micrometer's Prometheus naming turns {@code a.b} into
 * {@code a_b}, adds {@code _total} to counters and {@code _seconds} to timers; the Prometheus name is
 * given next to each. Tags are bounded: function, status, start_kind, phase, topic, partition, group,
 * outcome, reason, result, state; never keys or offsets. Timers are histograms (explicit buckets, so
 * several services aggregate), never summaries. Stateless.
 */
public final class SockeyeMeters {
  private SockeyeMeters() {}

  // ---- invocations (per function)
  /** sockeye_invocations_total{function,status,start_kind}; status OK|ERROR|TIMEOUT|OOM|REJECTED, start_kind WARM|ZYGOTE|FRESH|UNSANDBOXED_WARM|UNSANDBOXED_ZYGOTE. */
  public static final String INVOCATIONS = "sockeye.invocations";
  /** sockeye_records_completed_total{function,outcome}; outcome result|dead_letter. */
  public static final String RECORDS_COMPLETED = "sockeye.records.completed";
  /** sockeye_retries_total{function}. */
  public static final String RETRIES = "sockeye.retries";
  /** sockeye_dead_letters_total{function,reason}; reason max_attempts|max_record_age|other. */
  public static final String DEAD_LETTERS = "sockeye.dead.letters";
  /** sockeye_event_to_result_seconds{function}: the input record's timestamp to its result's acknowledgement. */
  public static final String EVENT_TO_RESULT = "sockeye.event.to.result";
  /** sockeye_phase_seconds{function,phase}; phase queued|sandbox|fork|import|handler|publish. */
  public static final String PHASE = "sockeye.phase";
  /** sockeye_invocations_in_flight{function}: records handed to the executor and not finished. */
  public static final String IN_FLIGHT = "sockeye.invocations.in.flight";
  /** sockeye_transactions_total{function,result}; result committed|aborted (exactly-once bindings). */
  public static final String TRANSACTIONS = "sockeye.transactions";

  // ---- instances and the zygote tree
  /** sockeye_instance_starts_total{function,start_kind}. */
  public static final String INSTANCE_STARTS = "sockeye.instance.starts";
  /** sockeye_cold_start_seconds{function,start_kind}: sandbox and fork of a new instance. */
  public static final String COLD_START = "sockeye.cold.start";
  /** sockeye_instances{function,state}; state busy|idle|frozen. */
  public static final String INSTANCES = "sockeye.instances";
  /** sockeye_zygote_nodes. */
  public static final String ZYGOTE_NODES = "sockeye.zygote.nodes";
  /** sockeye_zygote_memory_bytes: proportional set size of the running zygotes. */
  public static final String ZYGOTE_MEMORY = "sockeye.zygote.memory.bytes";
  /** sockeye_zygote_memory_budget_bytes. */
  public static final String ZYGOTE_MEMORY_BUDGET = "sockeye.zygote.memory.budget.bytes";
  /** sockeye_zygote_lookups_total{result}; result best|ancestor|root. */
  public static final String ZYGOTE_LOOKUPS = "sockeye.zygote.lookups";
  /** sockeye_package_store_bytes. */
  public static final String PACKAGE_STORE = "sockeye.package.store.bytes";
  /** sockeye_sandbox_create_seconds. */
  public static final String SANDBOX_CREATE = "sockeye.sandbox.create";
  /** sockeye_sandbox_destroy_seconds. */
  public static final String SANDBOX_DESTROY = "sockeye.sandbox.destroy";

  // ---- consumer positions (per group, topic, partition)
  /** sockeye_consumer_lag_records{group,topic,partition}: end offset - committed offset. */
  public static final String LAG_RECORDS = "sockeye.consumer.lag.records";
  /** sockeye_consumer_lag_seconds{group,topic,partition}: age of the oldest unprocessed record, 0 when none. */
  public static final String LAG_SECONDS = "sockeye.consumer.lag.seconds";
  /** sockeye_consumer_committed_offset{group,topic,partition}. */
  public static final String COMMITTED_OFFSET = "sockeye.consumer.committed.offset";
  /** sockeye_consumer_end_offset{group,topic,partition}. */
  public static final String END_OFFSET = "sockeye.consumer.end.offset";
  /** sockeye_partitions_assigned{group,topic}. */
  public static final String PARTITIONS_ASSIGNED = "sockeye.partitions.assigned";
  /** sockeye_partitions_paused{group,topic}. */
  public static final String PARTITIONS_PAUSED = "sockeye.partitions.paused";
  /** sockeye_rebalances_total{group}: rebalances this member took part in. */
  public static final String REBALANCES = "sockeye.rebalances";

  /** sockeye_build_info{version,java_version} = 1. */
  public static final String BUILD_INFO = "sockeye_build_info";

  // ---- tags
  public static final String FUNCTION = "function";
  public static final String STATUS = "status";
  public static final String START_KIND = "start_kind";
  public static final String OUTCOME = "outcome";
  public static final String REASON = "reason";
  public static final String PHASE_TAG = "phase";
  public static final String RESULT = "result";
  public static final String STATE = "state";
  public static final String GROUP = "group";
  public static final String TOPIC = "topic";
  public static final String PARTITION = "partition";

  /** Phases, in the order an event meets them. */
  public static final String[] PHASES = {"queued", "sandbox", "fork", "import", "handler", "publish"};

  /** Buckets from a millisecond to two minutes: handler latencies are ms, cold starts and lag seconds. */
  static final Duration[] BUCKETS = {
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(120)};

  static Timer histogram(MeterRegistry registry, String name, String description, String... tags) {
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
  }

  static Counter counter(MeterRegistry registry, String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  /** A dead-letter reason as a bounded label: the retry policy's message names its setting. */
  static String deadLetterReason(String reason) {
    if (reason.contains("max_attempts")) {
      return "max_attempts";
    }
    return reason.contains("max_record_age") ? "max_record_age" : "other";
  }
}
