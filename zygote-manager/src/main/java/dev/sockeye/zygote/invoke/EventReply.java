package dev.sockeye.zygote.invoke;

/** The outcome of running the handler on one event: it either returned a value or raised. */
public sealed interface EventReply permits Returned, Raised {
  /** Time spent in the handler call plus result serialisation, in microseconds. */
  long handlerMicros();
}
