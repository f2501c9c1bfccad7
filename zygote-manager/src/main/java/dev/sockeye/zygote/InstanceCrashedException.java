package dev.sockeye.zygote;

/** An instance died, was killed, or broke the protocol during (or before) an invoke; it cannot be used again. */
public class InstanceCrashedException extends RuntimeException {
  public InstanceCrashedException(String message) {
    super(message);
  }

  public InstanceCrashedException(String message, Throwable cause) {
    super(message, cause);
  }
}
