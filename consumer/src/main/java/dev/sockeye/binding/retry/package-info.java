/** Whether a failed invocation is retried, after how long, or dead-lettered. */
package dev.sockeye.binding.retry;
