/** Handler instances' stdout and stderr: one pipe per stream per instance, drained by one thread, attributed to invocations, bounded. */
package dev.sockeye.zygote.output;
