package dev.sockeye.control;

import dev.sockeye.executor.FunctionLimits;
import dev.sockeye.executor.sandbox.Network;
import dev.sockeye.function.FunctionDefinition;
import dev.sockeye.function.FunctionPackage;
import dev.sockeye.schemas.FunctionCode;
import dev.sockeye.schemas.FunctionSpec;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/** Maps a function between our records and the Avro classes at the Kafka edge. */
final class SpecCodec {
  private SpecCodec() {}

  static FunctionSpec toSpec(FunctionPackage pkg, long deployedAt) {
    FunctionDefinition d = pkg.definition();
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
        spec.getTenant() == null ? "" : spec.getTenant());
  }
}
