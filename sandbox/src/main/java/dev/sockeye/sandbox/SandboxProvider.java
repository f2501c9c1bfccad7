package dev.sockeye.sandbox;

/**
 * Builds the sandbox a zygote runs in. Implemented by {@link Sandboxes}, which owns mounts and cgroups; the
 * zygote manager only asks for one when it starts a zygote. Thread-safe.
 */
public interface SandboxProvider {
  /** A fresh sandbox for a zygote (no handler code mounted); the caller closes it. */
  SandboxHandle zygoteSandbox();
}
