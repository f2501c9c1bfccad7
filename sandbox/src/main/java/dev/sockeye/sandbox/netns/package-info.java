/** A pool of empty network namespaces (loopback only) for network: none, filled off the fork path. */
package dev.sockeye.sandbox.netns;
