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

  ResultRecords(String function, String version, Clock clock) {
    this.function = function;
    this.version = version;
    this.clock = clock;
  }

  /** What one finished input is about. {@code failure} is null unless it is dead-lettered. */
  record Subject(ConsumerRecord<byte[], byte[]> record, Instant polledAt, int attempts, String resultTopic,
                 String deadLetterTopic, DeadLetters.Failure failure) {}

  Emission emission(Subject s, InvocationOutcome outcome) {
    InvocationResult result = result(s, outcome);
    ProducerRecord<byte[], byte[]> dead = s.failure() == null ? null
        : DeadLetters.of(s.record(), s.deadLetterTopic(), Events.idempotencyKey(s.record()), s.failure());
    return new Emission(source(s), s.record().offset(), toRecord(s, result), dead, publishUs -> metric(s, result, publishUs), () -> tooLarge(s, result));
  }

  /** The result without its output, and the input dead-lettered with the reason: nothing vanishes silently. */
  private Emission tooLarge(Subject s, InvocationResult big) {
    int size = big.getOutput() == null ? 0 : big.getOutput().remaining();
    String message = "output of " + size + " bytes was refused by " + s.resultTopic();
    InvocationResult result = InvocationResult.newBuilder(big).setOutput(null).setContentType(null)
        .setStatus(Status.ERROR).setErrorType("ResultTooLarge").setErrorMessage(message).build();
    var failure = new DeadLetters.Failure(function, s.attempts(), "ResultTooLarge", message, "result too large for " + s.resultTopic(), clock.instant());
    var dead = DeadLetters.of(s.record(), s.deadLetterTopic(), Events.idempotencyKey(s.record()), failure);
    return new Emission(source(s), s.record().offset(), toRecord(s, result), dead, publishUs -> metric(s, result, publishUs), null);
  }

  private static org.apache.kafka.common.TopicPartition source(Subject s) {
    return new org.apache.kafka.common.TopicPartition(s.record().topic(), s.record().partition());
  }

  private ProducerRecord<byte[], byte[]> toRecord(Subject s, InvocationResult result) {
    var pr = new ProducerRecord<>(s.resultTopic(), s.record().key(), AvroBytes.encode(result::toByteBuffer));
    pr.headers().add(IDEMPOTENCY_HEADER, Events.idempotencyKey(s.record()).getBytes(StandardCharsets.UTF_8));
    return pr;
  }

  private InvocationResult result(Subject s, InvocationOutcome outcome) {
    ConsumerRecord<byte[], byte[]> r = s.record();
    InvocationResult.Builder b = InvocationResult.newBuilder()
        .setFunction(function)
        .setFunctionVersion(version)
        .setTopic(r.topic())
        .setPartition(r.partition())
        .setOffset(r.offset())
        .setTimestamp(r.timestamp())
        .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
        .setIdempotencyKey(Events.idempotencyKey(r))
        .setStartKind(startKind(outcome.startKind()))
        .setAttempt(Math.max(1, s.attempts()))
        .setTimings(timings(s, outcome.timings()));
    if (outcome instanceof Succeeded ok) {
      b.setStatus(Status.OK).setOutput(ByteBuffer.wrap(ok.output())).setContentType(ok.contentType());
    } else if (outcome instanceof Failed f) {
      b.setStatus(Status.ERROR).setErrorType(f.errorType()).setErrorMessage(f.errorMessage());
    } else if (outcome instanceof TimedOut t) {
      b.setStatus(Status.TIMEOUT).setErrorType("Timeout").setErrorMessage("handler ran past timeout_ms=" + t.timeoutMs() + "; its instance was killed");
    } else if (outcome instanceof OutOfMemory m) {
      b.setStatus(Status.OOM).setErrorType("OutOfMemory").setErrorMessage("instance passed memory_mb=" + m.memoryMb()
          + " and was killed by the kernel's OOM killer; other instances were not affected");
    } else if (outcome instanceof Rejected rej) {
      b.setStatus(Status.REJECTED).setErrorType("Rejected").setErrorMessage(rej.reason());
    }
    return b.build();
  }

  private ProducerRecord<byte[], byte[]> metric(Subject s, InvocationResult result, long publishUs) {
    PhaseTimings withPublish = PhaseTimings.newBuilder(result.getTimings())
        .setPublishUs(publishUs)
        .setTotalUs(micros(Duration.between(s.polledAt(), clock.instant())))
        .build();
    InvocationMetric m = InvocationMetric.newBuilder()
        .setFunction(result.getFunction())
        .setFunctionVersion(result.getFunctionVersion())
        .setTopic(result.getTopic())
        .setPartition(result.getPartition())
        .setOffset(result.getOffset())
        .setTimestamp(result.getTimestamp())
        .setStatus(result.getStatus())
        .setStartKind(result.getStartKind())
        .setAttempt(result.getAttempt())
        .setTimings(withPublish)
        .build();
    return new ProducerRecord<>(ControlTopics.METRICS, function.getBytes(StandardCharsets.UTF_8), AvroBytes.encode(m::toByteBuffer));
  }

  /** Executor timings start at dispatch; the binding adds the time between poll and dispatch. */
  private PhaseTimings timings(Subject s, Timings t) {
    long sincePoll = micros(Duration.between(s.polledAt(), clock.instant()));
    long beforeDispatch = Math.max(0, sincePoll - t.totalUs());
    return PhaseTimings.newBuilder()
        .setQueuedUs(beforeDispatch + t.queuedUs())
        .setSandboxUs(t.sandboxUs())
        .setForkUs(t.forkUs())
        .setImportUs(t.importUs())
        .setHandlerUs(t.handlerUs())
        .setPublishUs(0)
        .setTotalUs(sincePoll)
        .build();
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
