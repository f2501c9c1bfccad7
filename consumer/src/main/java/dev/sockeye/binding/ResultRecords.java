package dev.sockeye.binding;

import dev.sockeye.binding.deadletter.DeadLetters;
import dev.sockeye.control.ControlTopics;
import dev.sockeye.executor.InvocationOutcome;
import dev.sockeye.executor.InvocationOutcome.Failed;
import dev.sockeye.executor.InvocationOutcome.OutOfMemory;
import dev.sockeye.executor.InvocationOutcome.Rejected;
import dev.sockeye.executor.InvocationOutcome.Succeeded;
import dev.sockeye.executor.InvocationOutcome.TimedOut;
import dev.sockeye.executor.Timings;
import dev.sockeye.schemas.InvocationMetric;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.PhaseTimings;
import dev.sockeye.schemas.StartKind;
import dev.sockeye.schemas.Status;
import dev.sockeye.schemas.codec.AvroBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Maps an input and its outcome to the records it produces: an {@code InvocationResult}, an
 * {@code InvocationMetric} and, when it exhausted its retries, a dead letter. Avro classes stay
 * here, at the edge. Stateless.
 */
final class ResultRecords {
  static final String IDEMPOTENCY_HEADER = "sockeye.idempotency_key";

  private final String function;
  private final String version;
  private final Clock clock;
  private final byte[] functionKey;
  private final byte[] replayName; // null unless a replay: then every result says so in a header

  ResultRecords(String function, String version, Clock clock) {
    this(function, version, clock, null);
  }

  ResultRecords(String function, String version, Clock clock, String replayName) {
    this.replayName = replayName == null ? null : replayName.getBytes(StandardCharsets.UTF_8);
    this.function = function;
    this.version = version;
    this.clock = clock;
    this.functionKey = function.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What one finished input is about. {@code failure} is null unless it is dead-lettered. {@code
   * consumed} is the record as polled (its offset is what gets committed); {@code record} the one
   * the handler saw, which the result and the dead letter describe (they differ only in a replay).
   */
  record Subject(ConsumerRecord<byte[], byte[]> consumed, ConsumerRecord<byte[], byte[]> record, Instant polledAt, int attempts,
                 String resultTopic, String deadLetterTopic, DeadLetters.Failure failure) {}

  Emission emission(Subject s, InvocationOutcome outcome) {
    InvocationResult result = result(s, outcome);
    ProducerRecord<byte[], byte[]> dead = s.failure() == null ? null
        : DeadLetters.withTraceback(DeadLetters.of(s.record(), s.deadLetterTopic(), result.getIdempotencyKey(),
            s.failure()), result.getTraceback());
    return new Emission(source(s), s.consumed().offset(), toRecord(s, result), dead, publishUs -> metric(s, result, publishUs), () -> tooLarge(s, result));
  }

  /** The result without its output, and the input dead-lettered with the reason: nothing vanishes silently. */
  private Emission tooLarge(Subject s, InvocationResult big) {
    int size = big.getOutput() == null ? 0 : big.getOutput().remaining();
    String message = "output of " + size + " bytes was refused by " + s.resultTopic();
    InvocationResult result = InvocationResult.newBuilder(big).setOutput(null).setContentType(null).setTraceback(null)
        .setStatus(Status.ERROR).setErrorType("ResultTooLarge").setErrorMessage(message).build();
    var failure = new DeadLetters.Failure(function, s.attempts(), "ResultTooLarge", message, "result too large for " + s.resultTopic(), clock.instant());
    var dead = DeadLetters.of(s.record(), s.deadLetterTopic(), result.getIdempotencyKey(), failure);
    return new Emission(source(s), s.consumed().offset(), toRecord(s, result), dead, publishUs -> metric(s, result, publishUs), null);
  }

  private static org.apache.kafka.common.TopicPartition source(Subject s) {
    return new org.apache.kafka.common.TopicPartition(s.consumed().topic(), s.consumed().partition());
  }

  private ProducerRecord<byte[], byte[]> toRecord(Subject s, InvocationResult result) {
    var pr = new ProducerRecord<>(s.resultTopic(), s.record().key(), AvroBytes.RESULT.encode(result));
    pr.headers().add(IDEMPOTENCY_HEADER, result.getIdempotencyKey().getBytes(StandardCharsets.UTF_8));
    if (replayName != null) {
      pr.headers().add(Bounded.REPLAY_HEADER, replayName);
      pr.headers().add(Bounded.REPLAY_SOURCE_HEADER, Events.idempotencyKey(s.consumed()).getBytes(StandardCharsets.UTF_8));
    }
    return pr;
  }

  // The records below are filled through their setters, not their builders: every event makes two, and
  // the builders' per-field bookkeeping and default copying showed in the throughput bench's profile.
  // Every field without a schema default is set.
  private InvocationResult result(Subject s, InvocationOutcome outcome) {
    ConsumerRecord<byte[], byte[]> r = s.record();
    InvocationResult b = new InvocationResult();
    b.setFunction(function);
    b.setFunctionVersion(version);
    b.setTopic(r.topic());
    b.setPartition(r.partition());
    b.setOffset(r.offset());
    b.setTimestamp(r.timestamp());
    b.setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()));
    b.setIdempotencyKey(Events.idempotencyKey(r));
    b.setStartKind(startKind(outcome.startKind()));
    b.setAttempt(Math.max(1, s.attempts()));
    b.setTimings(timings(s, outcome.timings()));
    if (outcome instanceof Succeeded ok) {
      b.setStatus(Status.OK);
      b.setOutput(ByteBuffer.wrap(ok.output()));
      b.setContentType(ok.contentType());
    } else if (outcome instanceof Failed f) {
      failed(b, Status.ERROR, f.errorType(), f.errorMessage());
      b.setTraceback(f.traceback().isEmpty() ? null : f.traceback());
    } else if (outcome instanceof TimedOut t) {
      failed(b, Status.TIMEOUT, "Timeout", "handler ran past timeout_ms=" + t.timeoutMs() + "; its instance was killed");
    } else if (outcome instanceof OutOfMemory m) {
      failed(b, Status.OOM, "OutOfMemory", "instance passed memory_mb=" + m.memoryMb()
          + " and was killed by the kernel's OOM killer; other instances were not affected");
    } else if (outcome instanceof Rejected rej) {
      failed(b, Status.REJECTED, "Rejected", rej.reason());
    }
    return b;
  }

  private static void failed(InvocationResult b, Status status, String type, String message) {
    b.setStatus(status);
    b.setErrorType(type);
    b.setErrorMessage(message);
  }

  private ProducerRecord<byte[], byte[]> metric(Subject s, InvocationResult result, long publishUs) {
    PhaseTimings t = result.getTimings();
    PhaseTimings withPublish = new PhaseTimings(t.getQueuedUs(), t.getSandboxUs(), t.getForkUs(), t.getImportUs(), t.getHandlerUs(),
        publishUs, micros(Duration.between(s.polledAt(), clock.instant())));
    InvocationMetric m = new InvocationMetric();
    m.setFunction(result.getFunction());
    m.setFunctionVersion(result.getFunctionVersion());
    m.setTopic(result.getTopic());
    m.setPartition(result.getPartition());
    m.setOffset(result.getOffset());
    m.setTimestamp(result.getTimestamp());
    m.setStatus(result.getStatus());
    m.setStartKind(result.getStartKind());
    m.setAttempt(result.getAttempt());
    m.setTimings(withPublish);
    return new ProducerRecord<>(ControlTopics.METRICS, functionKey, AvroBytes.METRIC.encode(m));
  }

  /** Executor timings start at dispatch; the binding adds the time between poll and dispatch. */
  private PhaseTimings timings(Subject s, Timings t) {
    long sincePoll = micros(Duration.between(s.polledAt(), clock.instant()));
    long beforeDispatch = Math.max(0, sincePoll - t.totalUs());
    // publish_us is 0 in the result: it is published before its acknowledgement time is known.
    return new PhaseTimings(beforeDispatch + t.queuedUs(), t.sandboxUs(), t.forkUs(), t.importUs(), t.handlerUs(), 0L, sincePoll);
  }

  static StartKind startKind(dev.sockeye.executor.StartKind k) {
    return switch (k) {
      case WARM -> StartKind.WARM;
      case ZYGOTE -> StartKind.ZYGOTE;
      case FRESH -> StartKind.FRESH;
      case UNSANDBOXED_WARM -> StartKind.UNSANDBOXED_WARM;
      case UNSANDBOXED_ZYGOTE -> StartKind.UNSANDBOXED_ZYGOTE;
    };
  }

  private static long micros(Duration d) {
    return d.toNanos() / 1_000;
  }
}
