package dev.sockeye.format;

import java.util.Arrays;
import java.util.Optional;

/** {@code triggers.kafka.format}: how a record's value reaches the handler. Codes are what function.yaml says. */
public enum InputFormat {
  /** Not set: JSON if the value parses as JSON, bytes otherwise (decided by the runtime, as before formats existed). */
  AUTO("auto"),
  /** The value must be JSON; anything else is an ERROR result. */
  JSON("json"),
  /** Avro decoded with the function's schema file into a JSON-like dict. */
  AVRO("avro"),
  /** The raw bytes, never parsed. */
  BYTES("bytes"),
  /** The value decoded as UTF-8 into a str; undecodable bytes are an ERROR result. */
  TEXT("text");

  private final String code;

  InputFormat(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The format named {@code code} in function.yaml ({@code auto} is the default, not a value to write). */
  public static Optional<InputFormat> of(String code) {
    return Arrays.stream(values()).filter(f -> f != AUTO && f.code.equals(code)).findFirst();
  }
}
