package dev.sockeye.zygote.tree;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a function imports: its tenant and the full closure of its requirements as installed in the
 * store. A zygote may serve it only if the zygote holds a subset of this closure, of this tenant.
 */
public record ImportNeeds(String tenant, List<HeldPackage> closure) {
  public ImportNeeds {
    Objects.requireNonNull(tenant, "tenant");
    closure = List.copyOf(closure);
  }

  public static ImportNeeds none(String tenant) {
    return new ImportNeeds(tenant, List.of());
  }

  /** {@code name==version} of every distribution: versions are part of identity, so pins match exactly. */
  public Set<String> keys() {
    return closure.stream().map(p -> p.key()).collect(Collectors.toUnmodifiableSet());
  }

  /** The directories an instance appends to {@code sys.path}, as it sees them. */
  public List<String> sysPath(PackagePaths paths) {
    return closure.stream().map(paths::of).toList();
  }
}
