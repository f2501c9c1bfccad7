package dev.sockeye.zygote.tree;

import dev.sockeye.zygote.Zygote;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One node of the zygote tree: the packages it holds (its parent's plus its own), and the zygote
 * process that holds them while it runs. Mutable; owned by {@link ZygoteTree} under its lock.
 */
final class TreeNode {
  final int id;
  final TreeNode parent;
  final String tenant;
  final Set<String> keys; // every distribution held, ancestors' included
  final List<HeldPackage> own; // what this node imports beyond its parent
  final List<TreeNode> children = new ArrayList<>();
  Zygote zygote; // null while not running (not yet built, or died)
  final List<Zygote> replicas = new ArrayList<>(); // copies of a hot node, so forks from it run in parallel
  boolean replicating; // a replica is being built
  long ownMicros; // what its own imports cost when it was last built; kept across a death
  boolean built; // built at least once: only then is it a candidate parent
  long hits;
  final CompletableFuture<Void> ready = new CompletableFuture<>(); // completes when first built; fails if that build fails

  TreeNode(int id, TreeNode parent, String tenant, List<HeldPackage> own) {
    this.id = id;
    this.parent = parent;
    this.tenant = tenant;
    this.own = List.copyOf(own);
    Set<String> k = new HashSet<>(parent == null ? Set.of() : parent.keys);
    own.forEach(p -> k.add(p.key()));
    this.keys = Set.copyOf(k);
  }

  boolean isRoot() {
    return parent == null;
  }

  int depth() {
    return parent == null ? 0 : parent.depth() + 1;
  }

  /** Import time a fork from here saves: what this node and its ancestors measured importing. */
  long savedMicros() {
    return ownMicros + (parent == null ? 0 : parent.savedMicros());
  }

  boolean isRunning() {
    return zygote != null && zygote.isAlive();
  }

  /** The least busy of the zygote and its live replicas; the zygote itself must be running. */
  Zygote leastBusy() {
    replicas.removeIf(r -> !r.isAlive());
    Zygote best = zygote;
    for (Zygote r : replicas) {
      if (r.queueLength() < best.queueLength()) {
        best = r;
      }
    }
    return best;
  }

  long pssBytes() {
    return (isRunning() ? zygote.pssBytes() : 0) + replicas.stream().mapToLong(Zygote::pssBytes).sum();
  }

  List<String> sysPath(PackagePaths paths) {
    return own.stream().map(paths::of).toList();
  }

  String describe() {
    return own.isEmpty() ? "(runtime only)" : own.stream().map(p -> p.key()).sorted().collect(Collectors.joining(" "));
  }
}
