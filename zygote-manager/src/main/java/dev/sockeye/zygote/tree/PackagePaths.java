package dev.sockeye.zygote.tree;

import java.nio.file.Path;

/**
 * Where Python finds a package directory: its host path when unsandboxed, or the same place under
 * /packages inside a sandbox, where the store is mounted read-only.
 *
 * @param storeRoot the package store on the host
 * @param seenAs where zygotes and instances see it
 */
public record PackagePaths(Path storeRoot, Path seenAs) {
  public static PackagePaths host(Path storeRoot) {
    return new PackagePaths(storeRoot, storeRoot);
  }

  public String of(HeldPackage p) {
    return seenAs.resolve(storeRoot.toAbsolutePath().relativize(p.dir().toAbsolutePath())).toString();
  }
}
