package dev.sockeye.function;

/**
 * How records are grouped into one handler call.
 *
 * @param size most records per call; 1 means the handler gets one event, above 1 a list
 * @param windowMs how long a partial batch waits for more records
 * @param maxBytes most key+value bytes per call
 */
public record BatchSettings(int size, long windowMs, long maxBytes) {
  public static final BatchSettings NONE = new BatchSettings(1, 0, 4L * 1024 * 1024);

  public BatchSettings {
    RetrySettings.require(size >= 1, "batch_size must be >= 1 (got " + size + ")");
    RetrySettings.require(windowMs >= 0, "batch_window_ms must be >= 0 (got " + windowMs + ")");
    RetrySettings.require(maxBytes >= 1, "batch_max_bytes must be >= 1 (got " + maxBytes + ")");
  }

  public boolean batched() {
    return size > 1;
  }
}
