package dev.sockeye.sandbox;

/** Sandboxes cannot work on this host; the message names what is missing (root, a controller, a kernel feature). */
public final class SandboxUnavailableException extends RuntimeException {
  public SandboxUnavailableException(String message) {
    super(message);
  }

  public SandboxUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
