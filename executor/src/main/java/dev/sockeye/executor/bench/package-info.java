/** The cold-start benchmark: event-to-result latency by start path, on real Python and real packages. */
package dev.sockeye.executor.bench;
