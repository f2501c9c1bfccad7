package dev.sockeye.zygote.process;

/** The zygote's control connection broke (the zygote died or closed it); a restarted zygote may succeed. */
public class ZygoteUnavailableException extends RuntimeException {
  public ZygoteUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
