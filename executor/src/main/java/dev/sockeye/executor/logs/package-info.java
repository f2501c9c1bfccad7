/** Handler output (lines, truncation notes, invocation reports) in the executor's own types. */
package dev.sockeye.executor.logs;
