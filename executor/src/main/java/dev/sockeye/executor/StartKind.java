package dev.sockeye.executor;

/** Where the instance that served an invocation came from. Codes are stable: they are exported. */
public enum StartKind {
  /** An idle instance of the same function version was reused. */
  WARM(0),
  /** A new instance was forked from a zygote. */
  ZYGOTE(1),
  /** A new interpreter was started from scratch. */
  FRESH(2),
  /** An idle instance was reused, without a sandbox (--unsafe-no-sandbox). */
  UNSANDBOXED_WARM(3),
  /** A new instance was forked from a zygote, without a sandbox (--unsafe-no-sandbox). */
  UNSANDBOXED_ZYGOTE(4);

  private final int code;

  StartKind(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
