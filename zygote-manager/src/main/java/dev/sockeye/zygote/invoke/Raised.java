package dev.sockeye.zygote.invoke;

import java.util.Objects;

/** The handler (or importing it) raised: Python's exception type name, message and formatted traceback. */
public record Raised(String errorType, String errorMessage, String traceback, long handlerMicros)
    implements EventReply {
  public Raised {
    Objects.requireNonNull(errorType, "Raised.errorType");
    errorMessage = errorMessage == null ? "" : errorMessage;
    traceback = traceback == null ? "" : traceback;
  }
}
