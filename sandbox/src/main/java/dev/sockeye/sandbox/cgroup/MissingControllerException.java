package dev.sockeye.sandbox.cgroup;

/** The host lacks a cgroup controller sandboxes need; the message names it. Not retryable. */
public final class MissingControllerException extends RuntimeException {
  public MissingControllerException(String message) {
    super(message);
  }
}
