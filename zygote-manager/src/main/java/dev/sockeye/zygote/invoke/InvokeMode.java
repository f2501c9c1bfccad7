package dev.sockeye.zygote.invoke;

/** How an instance calls the handler on a request's events; {@code code} is the wire value of "mode". */
public enum InvokeMode {
  /** handler(event) once per event. */
  EACH("each"),
  /** handler(events) once with the list; it may name failed items in batchItemFailures. */
  BATCH("batch");

  private final String code;

  InvokeMode(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
