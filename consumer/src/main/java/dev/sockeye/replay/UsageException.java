package dev.sockeye.replay;

/** The user's flags or input cannot describe a replay (exit code 2): the message names the flag, file or line. */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }
}
