/** The warm instances of one function version, and the queue of work waiting for one. */
package dev.sockeye.executor.pool;
