/** Turns an invocation of a deployed function into a running handler instance and an outcome per event. */
package dev.sockeye.executor;
