package dev.sockeye.format;

/** A record's value cannot be decoded in its function's input format; the message is the reason. */
public final class DecodeException extends RuntimeException {
  public DecodeException(String reason) {
    super(reason);
  }
}
