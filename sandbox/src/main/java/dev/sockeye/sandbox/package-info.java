/**
 * SOCK sandboxes: a root stitched from bind mounts, a pooled cgroup, a pooled empty network namespace, handed to
 * the zygote's child as descriptors; entry point {@link dev.sockeye.sandbox.Sandboxes}.
 */
package dev.sockeye.sandbox;
