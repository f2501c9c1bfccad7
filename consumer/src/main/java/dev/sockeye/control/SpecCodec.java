package dev.sockeye.control;

import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.sandbox.Network;
import dev.sockeye.function.BatchSettings;
import dev.sockeye.function.DeliveryMode;
import dev.sockeye.function.DeliverySettings;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.function.Ordering;
import dev.sockeye.function.RetrySettings;
import dev.sockeye.function.StartPosition;
import dev.sockeye.schemas.FunctionCode;
import dev.sockeye.schemas.FunctionSpec;
import dev.sockeye.schemas.codec.AvroBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** Maps a function between our records and the Avro classes at the Kafka edge. */
final class SpecCodec {
  static {
    // Specs written before the delivery fields existed carry the old schema's fingerprint; teach the
    // decoder that schema so they resolve to the new one with its defaults.
    try (InputStream in = SpecCodec.class.getResourceAsStream("FunctionSpec-v1.avsc")) {
      AvroBytes.SPEC.addSchema(new Schema.Parser().parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException("load FunctionSpec-v1.avsc", e);
    }
  }

  private SpecCodec() {}

  /** Decodes a spec of this or an older schema version (older ones get the new fields' defaults). */
  static FunctionSpec decodeSpec(byte[] bytes) {
    return AvroBytes.SPEC.decode(bytes);
  }

  static FunctionSpec toSpec(FunctionPackage pkg, long deployedAt) {
    FunctionDefinition d = pkg.definition();
    DeliverySettings s = d.delivery();
    return FunctionSpec.newBuilder()
        .setName(d.name())
        .setVersion(pkg.version())
        .setTopics(d.topics())
        .setResultTopic(d.resultTopic())
        .setTimeoutMs(d.limits().timeoutMs())
        .setMemoryMb(d.limits().memoryMb())
        .setConcurrency(d.limits().concurrency())
        .setPids(d.limits().pids())
        .setCpuShares(d.limits().cpuShares())
        .setScratchMb(d.limits().scratchMb())
        .setNetwork(d.limits().network().code())
        .setDeployedAt(deployedAt)
        .setTenant(d.tenant().isEmpty() ? null : d.tenant())
        .setTopicPattern(s.topicPattern())
        .setGroup(s.group())
        .setStart(s.start().code())
        .setOrdering(s.ordering().code())
        .setMaxInFlight(s.maxInFlight())
        .setBatchSize(s.batch().size())
        .setBatchWindowMs(s.batch().windowMs())
        .setBatchMaxBytes(s.batch().maxBytes())
        .setMaxAttempts(s.retry().maxAttempts())
        .setBackoffInitialMs(s.retry().backoffInitialMs())
        .setBackoffMaxMs(s.retry().backoffMaxMs())
        .setMaxRecordAgeMs(s.retry().maxRecordAgeMs())
        .setDeadLetterTopic(s.deadLetterTopic())
        .setDelivery(s.mode().code())
        .build();
  }

  static FunctionCode toCode(FunctionPackage pkg) {
    Map<String, ByteBuffer> files = new HashMap<>();
    pkg.code().forEach((path, bytes) -> files.put(path, ByteBuffer.wrap(bytes)));
    return FunctionCode.newBuilder().setName(pkg.definition().name()).setVersion(pkg.version()).setFiles(files).build();
  }

  /** Throws IllegalArgumentException naming the setting when the spec's values are out of range. */
  static FunctionDefinition toDefinition(FunctionSpec spec) {
    return new FunctionDefinition(
        spec.getName(),
        spec.getTopics(),
        spec.getResultTopic(),
        new FunctionLimits(spec.getTimeoutMs(), spec.getMemoryMb(), spec.getConcurrency(), spec.getPids(),
            spec.getCpuShares(), spec.getScratchMb(), Network.fromCode(spec.getNetwork())),
        delivery(spec),
        spec.getTenant() == null ? "" : spec.getTenant());
  }

  private static DeliverySettings delivery(FunctionSpec spec) {
    return new DeliverySettings(
        spec.getTopicPattern(),
        spec.getGroup(),
        StartPosition.of(spec.getStart()).orElseThrow(() -> new IllegalArgumentException("start is invalid: " + spec.getStart())),
        Ordering.of(spec.getOrdering()).orElseThrow(() -> new IllegalArgumentException("ordering is invalid: " + spec.getOrdering())),
        spec.getMaxInFlight(),
        new BatchSettings(spec.getBatchSize(), spec.getBatchWindowMs(), spec.getBatchMaxBytes()),
        new RetrySettings(spec.getMaxAttempts(), spec.getBackoffInitialMs(), spec.getBackoffMaxMs(), spec.getMaxRecordAgeMs()),
        spec.getDeadLetterTopic(),
        DeliveryMode.of(spec.getDelivery()).orElseThrow(() -> new IllegalArgumentException("delivery is invalid: " + spec.getDelivery())));
  }
}
