package dev.sockeye.zygote;

/** An instance could not be forked or spawned; the message names the function and the zygote. */
public class ForkFailedException extends RuntimeException {
  public ForkFailedException(String message) {
    super(message);
  }

  public ForkFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
