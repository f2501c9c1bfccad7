package dev.sockeye.binding;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Writes an outcome as an {@code InvocationResult} to the result topic and, once that is
 * acknowledged, an {@code InvocationMetric} to sockeye.metrics. Avro classes stay here, at the edge.
 * Thread-safe: the producer is; this class holds no mutable state.
 */
final class ResultPublisher {
  static final String IDEMPOTENCY_HEADER = "sockeye.idempotency_key";

  private final Producer<byte[], byte[]> producer;
  private final Executor sender;
  private final Clock clock;

  /**
   * {@code sender} is the one thread that calls {@code producer.send}: a send can block on metadata
   * or a full buffer, which must not happen on an event loop, nor on the producer's own I/O thread
   * where acknowledgements arrive (that would wait for itself).
   */
  ResultPublisher(Producer<byte[], byte[]> producer, Executor sender, Clock clock) {
    this.producer = producer;
    this.sender = sender;
    this.clock = clock;
  }

  /** What one publication is about. */
  record Subject(String function, String version, String resultTopic, ConsumerRecord<byte[], byte[]> record, Instant polledAt) {}

  /** Completes when both the result and the metric are acknowledged; fails if the result could not be written. */
  CompletableFuture<Void> publish(Subject s, InvocationOutcome outcome) {
    InvocationResult result = result(s, outcome);
    Instant sent = clock.instant();
    return send(s.resultTopic(), s.record().key(), AvroBytes.encode(result::toByteBuffer), Events.idempotencyKey(s.record()))
        .exceptionallyCompose(e -> e instanceof RecordTooLargeException ? sendTooLarge(s, result, e) : CompletableFuture.failedFuture(e))
        .thenCompose(v -> {
          long publishUs = micros(Duration.between(sent, clock.instant()));
          InvocationMetric metric = metric(s, result, publishUs);
          return send(ControlTopics.METRICS, s.function().getBytes(StandardCharsets.UTF_8), AvroBytes.encode(metric::toByteBuffer), null);
        });
  }

  /** A result too big for the topic still gets a result, without its output: nothing vanishes silently. */
  private CompletableFuture<Void> sendTooLarge(Subject s, InvocationResult result, Throwable cause) {
    int size = result.getOutput() == null ? 0 : result.getOutput().remaining();
    result.setOutput(null);
    result.setContentType(null);
    result.setStatus(Status.ERROR);
    result.setErrorType("ResultTooLarge");
    result.setErrorMessage("output of " + size + " bytes was refused by " + s.resultTopic() + ": " + cause.getMessage());
    return send(s.resultTopic(), s.record().key(), AvroBytes.encode(result::toByteBuffer), Events.idempotencyKey(s.record()));
  }

  private CompletableFuture<Void> send(String topic, byte[] key, byte[] value, String idempotencyKey) {
    ProducerRecord<byte[], byte[]> pr = new ProducerRecord<>(topic, key, value);
    if (idempotencyKey != null) {
      pr.headers().add(IDEMPOTENCY_HEADER, idempotencyKey.getBytes(StandardCharsets.UTF_8));
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    sender.execute(() -> {
      try {
        producer.send(pr, (meta, e) -> {
          if (e != null) {
            done.completeExceptionally(e);
          } else {
            done.complete(null);
          }
        });
      } catch (RuntimeException e) { // size checks and a closed producer fail before the callback exists
        done.completeExceptionally(e);
      }
    });
    return done;
  }

  private InvocationResult result(Subject s, InvocationOutcome outcome) {
    ConsumerRecord<byte[], byte[]> r = s.record();
    InvocationResult.Builder b = InvocationResult.newBuilder()
        .setFunction(s.function())
        .setFunctionVersion(s.version())
        .setTopic(r.topic())
        .setPartition(r.partition())
        .setOffset(r.offset())
        .setTimestamp(r.timestamp())
        .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
        .setIdempotencyKey(Events.idempotencyKey(r))
        .setStartKind(startKind(outcome.startKind()))
        .setTimings(timings(s, outcome.timings(), 0));
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

  private InvocationMetric metric(Subject s, InvocationResult result, long publishUs) {
    PhaseTimings t = result.getTimings();
    PhaseTimings withPublish = PhaseTimings.newBuilder(t)
        .setPublishUs(publishUs)
        .setTotalUs(micros(Duration.between(s.polledAt(), clock.instant())))
        .build();
    return InvocationMetric.newBuilder()
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
  }

  /** Executor timings start at dispatch; the binding adds the time between poll and dispatch. */
  private PhaseTimings timings(Subject s, Timings t, long publishUs) {
    long sincePoll = micros(Duration.between(s.polledAt(), clock.instant()));
    long beforeDispatch = Math.max(0, sincePoll - t.totalUs());
    return PhaseTimings.newBuilder()
        .setQueuedUs(beforeDispatch + t.queuedUs())
        .setSandboxUs(t.sandboxUs())
        .setForkUs(t.forkUs())
        .setImportUs(t.importUs())
        .setHandlerUs(t.handlerUs())
        .setPublishUs(publishUs)
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
