package dev.sockeye.executor;

/**
 * Where the time of one invocation went inside the executor, in microseconds. A phase that did not
 * happen (a fork, on a warm start) is 0.
 *
 * @param queuedUs submitted -> an instance was available to run it
 * @param sandboxUs preparing the sandbox (0 until the sandbox issue lands)
 * @param forkUs fork request -> instance PID known
 * @param importUs importing the handler module in a new instance
 * @param handlerUs running the handler on this event
 * @param totalUs submitted -> outcome known
 */
public record Timings(long queuedUs, long sandboxUs, long forkUs, long importUs, long handlerUs, long totalUs) {
  public static final Timings NONE = new Timings(0, 0, 0, 0, 0, 0);
}
