package dev.sockeye.executor;

/** How the handler is called on the events of one invocation. */
public enum CallMode {
  /** handler(event) once per event. */
  EACH,
  /** handler(events) once with the list; it may name failed items in batchItemFailures. */
  BATCH
}
