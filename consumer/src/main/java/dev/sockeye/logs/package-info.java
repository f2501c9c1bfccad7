/** Handler output and invocation reports on the sockeye.logs topic: publishing them and reading them back. */
package dev.sockeye.logs;
