package dev.sockeye.zygote.tree;

import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.Zygote;
import dev.sockeye.zygote.ZygoteManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCK's import cache. Each tenant has a root that imports only the runtime; each child holds its
 * parent's packages plus more. A function forks from the node that saves it the most measured import
 * time among those holding only packages it asked for (so it never runs next to a package it did not
 * request, and pinned versions match exactly); when one package set keeps forking from a parent that
 * lacks part of it, a child is built for it in the background; over the memory budget, leaves with the
 * fewest hits per byte are evicted.
 *
 * <p>Thread-safety: the tree ({@code nodes}, {@code demand}, {@code building}, node fields) is guarded by
 * {@code lock}; starting zygotes and forking block and happen outside it.
 */
public final class ZygoteTree {
  private static final Logger log = LoggerFactory.getLogger(ZygoteTree.class);

  private final ZygoteManager zygotes;
  private final TreeSettings settings;
  private final ExecutorService builder;
  private final PackagePaths paths;
  private final Object lock = new Object();
  private final List<TreeNode> nodes = new ArrayList<>(); // guarded by lock
  private final Map<String, Integer> demand = new HashMap<>(); // guarded by lock
  private final Set<String> building = new HashSet<>(); // guarded by lock
  private final LearnedImports learned = new LearnedImports(); // guarded by lock
  private int nextId; // guarded by lock
  private long evictions; // guarded by lock
  private volatile java.util.function.Consumer<Match> onLookup = m -> {};

  /** How the node a fork came from matched the package set it needed: exactly, in part, or only the root. */
  public enum Match { BEST, ANCESTOR, ROOT }

  /** {@code builder} runs background builds; its owner shuts it down. */
  public ZygoteTree(ZygoteManager zygotes, TreeSettings settings, ExecutorService builder, PackagePaths paths) {
    this.zygotes = zygotes;
    this.settings = settings;
    this.builder = builder;
    this.paths = paths;
  }

  /** Called on the forking thread for every fork, with how well its zygote matched; must not block. */
  public void onLookup(java.util.function.Consumer<Match> listener) {
    this.onLookup = listener;
  }

  /**
   * Blocking: forks {@code spec} from the best zygote for {@code needs}. A zygote found dead is forgotten and
   * the fork retried once from the node (rebuilt, with its ancestors if needed): the manager's
   * {@link ZygoteManager#forkRetryingOnce}. The spec's sandbox stays the caller's if this throws.
   */
  public Instance fork(ImportNeeds needs, InstanceSpec spec) {
    TreeNode node = chooseAndCount(needs);
    onLookup.accept(node.keys.equals(needs.keys()) ? Match.BEST : node.isRoot() ? Match.ROOT : Match.ANCESTOR);
    Instance instance = zygotes.forkRetryingOnce(() -> forkFrom(node), dead -> markDead(node, dead), spec);
    if (!needs.closure().isEmpty()) {
      instance.whenFirstReplied(reply -> learnImports(needs, reply.imported()));
    }
    return instance;
  }

  /**
   * What an instance imported beyond its zygote: submodules of the function's packages are imported, in the
   * background, into every running zygote that holds their package, and by every zygote built for it later.
   */
  void learnImports(ImportNeeds needs, List<String> imported) {
    if (imported.isEmpty()) {
      return;
    }
    List<Runnable> work = new ArrayList<>();
    synchronized (lock) {
      Map<String, List<String>> fresh = learned.learn(needs.closure(), imported);
      fresh.forEach((key, modules) -> {
        log.info("zygote tree: instances of {} import {} too; the zygotes holding it will", key, modules);
        for (TreeNode n : nodes) {
          if (n.tenant.equals(needs.tenant()) && n.keys.contains(key) && n.isRunning()) {
            List<Zygote> copies = new ArrayList<>(n.replicas);
            copies.add(n.zygote);
            copies.forEach(z -> work.add(() -> importQuietly(z, modules)));
          }
        }
      });
    }
    try {
      work.forEach(builder::execute);
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  private void importQuietly(Zygote zygote, List<String> modules) {
    try {
      zygote.importModules(modules);
    } catch (RuntimeException e) {
      log.warn("zygote tree: {} could not import {}: {}", zygote, modules, e.getMessage());
    }
  }

  private List<String> modulesOf(TreeNode node) {
    synchronized (lock) {
      return learned.modulesFor(node.own);
    }
  }

  /** The node's least busy zygote; a node whose every copy is busy gets a replica built in the background. */
  private Zygote forkFrom(TreeNode node) {
    Zygote primary = running(node);
    synchronized (lock) {
      if (!node.isRunning()) {
        return primary;
      }
      Zygote z = node.leastBusy();
      if (z.queueLength() > 0 && node.replicas.size() < settings.maxReplicas() && !node.replicating && !node.isRoot()) {
        node.replicating = true;
        builder.execute(() -> addReplica(node));
      }
      return z;
    }
  }

  private void addReplica(TreeNode node) {
    try {
      Zygote replica = zygotes.startChild(running(node.parent), node.sysPath(paths), modulesOf(node));
      synchronized (lock) {
        if (nodes.contains(node)) {
          node.replicas.add(replica);
          log.info("zygote tree: node {} ({}) got replica {}", node.id, node.describe(), replica.pid());
          replica = null;
        }
      }
      if (replica != null) {
        zygotes.stop(replica); // evicted meanwhile
      }
    } catch (RuntimeException e) {
      log.warn("zygote tree: replica of node {} failed: {}", node.id, e.getMessage());
    } finally {
      synchronized (lock) {
        node.replicating = false;
      }
    }
  }

  /**
   * Adds a node for {@code closure} (which must extend its parent's), built in the background by the
   * best-parent rule. The future completes when a node holding exactly {@code closure} is built (at once if
   * one already is), and fails if the build fails or the tree is already over its memory budget.
   */
  public CompletableFuture<Void> seed(String tenant, List<HeldPackage> closure) {
    synchronized (lock) {
      Set<String> keys = keysOf(closure);
      TreeNode parent = bestFor(tenant, keys, true); // seeds may build on seeds not built yet
      if (parent.keys.equals(keys)) {
        return parent.isRoot() ? CompletableFuture.completedFuture(null) : parent.ready;
      }
      long total = nodes.stream().mapToLong(TreeNode::pssBytes).sum();
      if (total >= settings.memoryBudgetBytes()) {
        return CompletableFuture.failedFuture(new IllegalStateException("the zygote tree already uses " + total
            + " bytes, at or over its memory budget of " + settings.memoryBudgetBytes()));
      }
      return buildLater(parent, tenant, closure, "seed").ready;
    }
  }

  /** The node holding exactly {@code keys} for {@code tenant} (built or being built), for status. */
  public Optional<HeldBy> heldBy(String tenant, Set<String> keys) {
    synchronized (lock) {
      TreeNode n = bestFor(tenant, keys, true);
      return n.keys.equals(keys) ? Optional.of(new HeldBy(n.id, n.keys.stream().sorted().toList(),
          n.isRunning() ? HeldBy.State.READY : n.built ? HeldBy.State.STOPPED : HeldBy.State.BUILDING))
          : Optional.empty();
    }
  }

  /** The node {@code needs} would fork from now, for status and tests. */
  TreeNode choose(ImportNeeds needs) {
    synchronized (lock) {
      return bestFor(needs.tenant(), needs.keys(), false);
    }
  }

  private TreeNode chooseAndCount(ImportNeeds needs) {
    synchronized (lock) {
      Set<String> keys = needs.keys();
      TreeNode best = bestFor(needs.tenant(), keys, false);
      best.hits++;
      if (!best.keys.equals(keys)) {
        String key = best.id + "|" + new TreeSet<>(keys);
        if (demand.merge(key, 1, Integer::sum) >= settings.growthThreshold() && building.add(key)) {
          demand.remove(key);
          buildLater(best, needs.tenant(), needs.closure(), key);
        }
      }
      return best;
    }
  }

  private TreeNode bestFor(String tenant, Set<String> keys, boolean includeUnbuilt) {
    TreeNode best = rootOf(tenant);
    for (TreeNode n : nodes) {
      if ((n.built || includeUnbuilt) && n.tenant.equals(tenant) && keys.containsAll(n.keys) && better(n, best)) {
        best = n;
      }
    }
    return best;
  }

  private static boolean better(TreeNode a, TreeNode b) {
    return a.savedMicros() > b.savedMicros() || (a.savedMicros() == b.savedMicros() && a.depth() > b.depth());
  }

  private TreeNode rootOf(String tenant) {
    for (TreeNode n : nodes) {
      if (n.isRoot() && n.tenant.equals(tenant)) {
        return n;
      }
    }
    TreeNode root = new TreeNode(nextId++, null, tenant, List.of());
    root.built = true;
    nodes.add(root);
    return root;
  }

  private TreeNode buildLater(TreeNode parent, String tenant, List<HeldPackage> closure, String buildKey) {
    List<HeldPackage> own = closure.stream().filter(p -> !parent.keys.contains(p.key())).toList();
    TreeNode child = new TreeNode(nextId++, parent, tenant, own);
    nodes.add(child);
    parent.children.add(child);
    builder.execute(() -> {
      try {
        running(child);
        log.info("zygote tree: built node {} under {} with {}", child.id, parent.id, child.describe());
      } catch (RuntimeException e) {
        log.warn("zygote tree: could not build node with {}: {}", child.describe(), e.getMessage());
        synchronized (lock) {
          remove(child);
        }
        child.ready.completeExceptionally(e);
      } finally {
        synchronized (lock) {
          building.remove(buildKey);
        }
      }
      maintain();
    });
    return child;
  }

  /** Blocking: the node's zygote, started (with its ancestors) if it is not running. */
  private Zygote running(TreeNode node) {
    synchronized (lock) {
      if (node.isRunning()) {
        return node.zygote;
      }
    }
    Zygote started = node.isRoot()
        ? zygotes.root(node.tenant)
        : zygotes.startChild(running(node.parent), node.sysPath(paths), modulesOf(node));
    synchronized (lock) {
      if (node.isRunning() && node.zygote != started) {
        if (!node.isRoot()) {
          zygotes.stop(started); // another thread built it first
        }
        return node.zygote;
      }
      node.zygote = started;
      node.ownMicros = started.importMicros().values().stream().mapToLong(Long::longValue).sum();
      node.built = true;
      node.ready.complete(null);
      return started;
    }
  }

  private void markDead(TreeNode node, Zygote dead) {
    synchronized (lock) {
      if (node.zygote == dead) {
        node.zygote = null;
      }
      node.replicas.remove(dead);
      for (TreeNode n = node; n != null; n = n.parent) {
        if (n.zygote != null && !n.zygote.isAlive()) {
          n.zygote = null;
        }
      }
    }
  }

  /** Evicts leaves, fewest hits per byte first, while the tree's memory exceeds the budget. */
  public void maintain() {
    List<Zygote> victims = new ArrayList<>();
    synchronized (lock) {
      long total = nodes.stream().mapToLong(TreeNode::pssBytes).sum();
      while (total > settings.memoryBudgetBytes()) {
        TreeNode leaf = nodes.stream()
            .filter(n -> !n.isRoot() && n.children.isEmpty() && n.isRunning())
            .min(Comparator.comparingDouble(n -> (double) n.hits / Math.max(1, n.pssBytes())))
            .orElse(null);
        if (leaf == null) {
          break;
        }
        total -= leaf.pssBytes();
        victims.add(leaf.zygote);
        victims.addAll(leaf.replicas);
        evictions++;
        log.info("zygote tree: evicting node {} ({}), {} hits", leaf.id, leaf.describe(), leaf.hits);
        remove(leaf);
      }
    }
    victims.forEach(zygotes::stop);
  }

  private void remove(TreeNode node) {
    nodes.remove(node);
    if (node.parent != null) {
      node.parent.children.remove(node);
    }
  }

  /** Nodes evicted so far. */
  public long evictions() {
    synchronized (lock) {
      return evictions;
    }
  }

  public List<NodeView> snapshot() {
    synchronized (lock) {
      return nodes.stream().map(n -> new NodeView(n.id, n.parent == null ? -1 : n.parent.id, n.tenant,
          n.own.stream().map(p -> p.key()).sorted().toList(),
          n.isRunning() ? n.zygote.pid() : -1, n.pssBytes(), n.hits, n.savedMicros(), n.replicas.size())).toList();
    }
  }

  private static Set<String> keysOf(List<HeldPackage> closure) {
    Set<String> k = new HashSet<>();
    closure.forEach(p -> k.add(p.key()));
    return k;
  }
}
