package dev.sockeye.sandbox.sys;

/** A system call failed; the message names the operation, its operands and the errno, e.g. "... : EPERM". */
public final class SyscallException extends RuntimeException {
  private final String errno;

  public SyscallException(String message, String errno) {
    super(message);
    this.errno = errno;
  }

  /** The symbolic errno, e.g. "EBUSY". */
  public String errno() {
    return errno;
  }
}
