package dev.sockeye.zygote;

/** A fork failed because the zygote asked to fork is gone; the caller may rebuild it and retry. */
public final class ZygoteDiedException extends ForkFailedException {
  public ZygoteDiedException(String message, Throwable cause) {
    super(message, cause);
  }
}
