package dev.sockeye.executor.packages;

/** pip could not resolve or install; the message names the requirement and carries pip's own error. */
public final class PackageInstallException extends RuntimeException {
  public PackageInstallException(String message) {
    super(message);
  }

  public PackageInstallException(String message, Throwable cause) {
    super(message, cause);
  }
}
