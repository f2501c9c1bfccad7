package dev.sockeye.zygote.invoke;

/**
 * One mark of a forked instance's cold start, as the runtime recorded it.
 *
 * @param phase what had just finished (PROTOCOL.md lists them)
 * @param monotonicNanos CLOCK_MONOTONIC, the clock {@link System#nanoTime()} reads on Linux, so marks line up
 *     with the JVM's own timestamps
 * @param minorFaults the process's minor page faults so far (copy-on-write faults are most of a cold start)
 */
public record TraceMark(String phase, long monotonicNanos, long minorFaults) {}
