package dev.sockeye.zygote.invoke;

import java.util.Objects;

/**
 * The handler returned: {@code output} is its JSON encoding ({@code application/json}) or the raw bytes it
 * returned ({@code application/octet-stream}).
 */
public record Returned(byte[] output, String contentType, long handlerMicros) implements EventReply {
  public static final String JSON = "application/json";
  public static final String OCTET_STREAM = "application/octet-stream";

  public Returned {
    Objects.requireNonNull(output, "Returned.output");
    Objects.requireNonNull(contentType, "Returned.contentType");
  }
}
