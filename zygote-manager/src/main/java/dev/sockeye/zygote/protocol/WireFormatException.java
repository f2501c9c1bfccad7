package dev.sockeye.zygote.protocol;

/** A frame or header violates PROTOCOL.md (too large, truncated, malformed JSON, missing fields). */
public class WireFormatException extends RuntimeException {
  public WireFormatException(String message) {
    super(message);
  }

  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
