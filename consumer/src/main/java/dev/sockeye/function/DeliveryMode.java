package dev.sockeye.function;

import java.util.Arrays;
import java.util.Optional;

/** What a binding promises about results; {@code code} is what function.yaml and FunctionSpec say. */
public enum DeliveryMode {
  /** An offset is committed only after the results (or dead letters) of it and every offset before it are acknowledged. */
  AT_LEAST_ONCE("at-least-once"),
  /** Results and consumer offsets are committed in one Kafka transaction; read_committed readers see each result once. */
  EXACTLY_ONCE("exactly-once");

  private final String code;

  DeliveryMode(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<DeliveryMode> of(String code) {
    return Arrays.stream(values()).filter(o -> o.code.equals(code)).findFirst();
  }
}
