/** Prometheus metrics of a running service: Micrometer meters fed by the binding and executor listeners, and the HTTP endpoint. */
package dev.sockeye.metrics;
