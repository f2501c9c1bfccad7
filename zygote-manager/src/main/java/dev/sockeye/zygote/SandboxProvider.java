package dev.sockeye.zygote;

/**
 * Builds the sandbox a zygote runs in. Implemented by the executor, which owns mounts and cgroups; the
 * zygote manager only asks for one when it starts a zygote. Thread-safe.
 */
public interface SandboxProvider {
  /** A fresh sandbox for a zygote (no handler code mounted); the caller closes it. */
  SandboxHandle zygoteSandbox();
}
