package dev.sockeye.executor.pool;

/**
 * A snapshot of a pool's counts.
 *
 * @param alive instances alive or being forked
 * @param idle warm instances waiting for work
 * @param waiting batches waiting for an instance
 * @param frozen idle instances stopped with the cgroup freezer
 */
public record PoolState(int alive, int idle, int waiting, int frozen) {}
