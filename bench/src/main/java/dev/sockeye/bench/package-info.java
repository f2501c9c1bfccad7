/** Benchmarks that print tables (cold start, sandbox, throughput, peers), reached as {@code sockeye bench} from the bench jar. */
package dev.sockeye.bench;
