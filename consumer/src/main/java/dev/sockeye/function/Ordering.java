package dev.sockeye.function;

import java.util.Arrays;
import java.util.Optional;

/** How records of a binding may run concurrently; {@code code} is what function.yaml and FunctionSpec say. */
public enum Ordering {
  /** One record or batch in flight per partition: the partition's order is the processing order. */
  PARTITION("partition"),
  /** Different keys in parallel, one record in flight per key: per-key order, parallelism past the partition count. */
  KEY("key"),
  /** No order: in flight is bounded by max_in_flight only. */
  NONE("none");

  private final String code;

  Ordering(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Ordering> of(String code) {
    return Arrays.stream(values()).filter(o -> o.code.equals(code)).findFirst();
  }
}
