package dev.sockeye.zygote.process;

/** A Python process could not be started or did not report READY in time; the message includes its stderr tail. */
public class ProcessStartException extends RuntimeException {
  public ProcessStartException(String message) {
    super(message);
  }

  public ProcessStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
