package dev.sockeye.executor;

/**
 * Per-function limits the executor enforces.
 *
 * @param timeoutMs wall-clock time one event may take before its instance is killed
 * @param memoryMb memory limit of one instance (enforced by the sandbox issue's cgroups)
 * @param concurrency most instances of this function alive at once
 */
public record FunctionLimits(int timeoutMs, int memoryMb, int concurrency) {
  public FunctionLimits {
    require(timeoutMs >= 1, "timeout_ms must be >= 1 (got " + timeoutMs + ")");
    require(memoryMb >= 16, "memory_mb must be >= 16 (got " + memoryMb + ")");
    require(concurrency >= 1, "concurrency must be >= 1 (got " + concurrency + ")");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
