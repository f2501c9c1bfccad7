package dev.sockeye.zygote.tree;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.zygote.Instance;
import dev.sockeye.zygote.InstanceSpec;
import dev.sockeye.zygote.ZygoteManager;
import dev.sockeye.zygote.ZygoteSettings;
import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Returned;
import dev.sockeye.zygote.invoke.WireEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The zygote tree on real zygotes, with packages whose import cost the test sets. */
class ZygoteTreeTest {
  @TempDir Path work;
  @TempDir Path store;
  @TempDir Path code;
  private ZygoteManager zygotes;
  private ExecutorService builder;
  private ZygoteTree tree;

  private ZygoteTree tree(TreeSettings settings) {
    zygotes = new ZygoteManager(ZygoteSettings.defaults(work), Clock.systemUTC());
    builder = Executors.newSingleThreadExecutor();
    tree = new ZygoteTree(zygotes, settings, builder, PackagePaths.host(store));
    return tree;
  }

  @AfterEach
  void close() {
    builder.shutdownNow();
    zygotes.close();
  }

  /** A package whose import sleeps {@code millis}: a stand-in for numpy's or pandas' import cost. */
  private HeldPackage pkg(String name, String version, int millis) throws Exception {
    Path dir = Files.createDirectories(store.resolve(name).resolve(version));
    Files.writeString(dir.resolve(name + ".py"), "import time\ntime.sleep(" + millis / 1000.0 + ")\nVERSION = '" + version + "'\n");
    return new HeldPackage(name.replaceAll("[-_.]+", "-") + "==" + version, dir, List.of(name)); // keys are normalised names
  }

  private InstanceSpec spec(ImportNeeds needs, String body) throws Exception {
    Path dir = Files.createDirectories(code.resolve("fn" + System.nanoTime()));
    Files.writeString(dir.resolve("f.py"), body);
    return new InstanceSpec("fn", "v", dir, Map.of(), needs.sysPath(PackagePaths.host(store)));
  }

  private static String invoke(Instance i) {
    WireEvent e = new WireEvent("t", 0, 0, 0, null, "{}".getBytes(StandardCharsets.UTF_8), List.of(), "t-0-0");
    return new String(((Returned) i.invoke(new InvokeRequest("fn", List.of(e), Long.MAX_VALUE)).results().get(0)).output(), StandardCharsets.UTF_8);
  }

  private TreeNode seeded(String tenant, List<HeldPackage> closure) {
    tree.seed(tenant, closure);
    await().atMost(Duration.ofSeconds(20)).until(() -> tree.snapshot().stream().anyMatch(v -> v.pid() > 0 && v.packages().size() == closure.size() - 0
        && v.packages().containsAll(closure.stream().map(p -> p.key()).toList())));
    return tree.choose(new ImportNeeds(tenant, closure));
  }

  @Test
  void seedCompletesOnceTheNodeHoldingExactlyThePackagesIsBuiltAndChosen() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage a = pkg("alpha", "1", 300);
    tree.seed("", List.of(a)).get(20, TimeUnit.SECONDS);
    HeldBy held = tree.heldBy("", Set.of(a.key())).orElseThrow();
    assertEquals(HeldBy.State.READY, held.state());
    assertEquals(held.nodeId(), tree.choose(new ImportNeeds("", List.of(a))).id);
    assertTrue(tree.seed("", List.of(a)).isDone(), "a second deploy of the same set does not wait");
  }

  @Test
  void seedWhenTheTreeIsAtItsMemoryBudgetFailsNamingTheBudget() throws Exception {
    tree(new TreeSettings(3, 1));
    tree.seed("", List.of(pkg("alpha", "1", 0))).get(20, TimeUnit.SECONDS); // starts the root: now over budget
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> tree.seed("", List.of(pkg("beta", "1", 0))).get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("memory budget"), e.getCause().getMessage());
  }

  @Test
  void zygoteHoldingAPackageTheFunctionDidNotAskForIsNeverChosen() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage a = pkg("alpha", "1", 0);
    HeldPackage b = pkg("beta", "1", 0);
    seeded("", List.of(a, b));
    assertTrue(tree.choose(new ImportNeeds("", List.of(a))).isRoot(), "{alpha} must not fork from {alpha, beta}");
  }

  @Test
  void parentSavingTheMostMeasuredImportTimeWinsNotTheFirstInNameOrder() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage cheap = pkg("aaa_cheap", "1", 10);
    HeldPackage costly = pkg("zzz_costly", "1", 300);
    seeded("", List.of(cheap));
    seeded("", List.of(costly));
    TreeNode chosen = tree.choose(new ImportNeeds("", List.of(cheap, costly)));
    assertEquals(List.of("zzz-costly==1"), chosen.own.stream().map(p -> p.key()).toList());
    assertTrue(chosen.savedMicros() >= 300_000, "measured: " + chosen.savedMicros());
  }

  @Test
  void versionsArePartOfIdentitySoAPinMatchesOnlyItsVersion() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage v1 = pkg("lib", "1.0", 0);
    HeldPackage v2 = pkg("lib", "2.0", 0);
    TreeNode node = seeded("", List.of(v1));
    assertEquals(node, tree.choose(new ImportNeeds("", List.of(v1))));
    assertTrue(tree.choose(new ImportNeeds("", List.of(v2))).isRoot());
  }

  @Test
  void repeatedDemandGrowsAChildAndLaterForksStartWithTheImportDone() throws Exception {
    tree(new TreeSettings(2, Long.MAX_VALUE));
    HeldPackage slow = pkg("slowlib", "1", 200);
    ImportNeeds needs = new ImportNeeds("", List.of(slow));
    String body = "import sys\nloaded = 'slowlib' in sys.modules\ndef f(e):\n    return loaded\n";
    assertEquals("false", invoke(tree.fork(needs, spec(needs, body))));
    tree.fork(needs, spec(needs, body));
    await().atMost(Duration.ofSeconds(20)).until(() -> !tree.choose(needs).isRoot());
    assertEquals("true", invoke(tree.fork(needs, spec(needs, body))), "slowlib was imported by the zygote before f.py");
  }

  @Test
  void submodulesInstancesImportAreImportedByTheZygoteHoldingTheirPackageButNothingOutsideTheClosure() throws Exception {
    tree(TreeSettings.defaults());
    Path dir = Files.createDirectories(store.resolve("gamma").resolve("1").resolve("gamma"));
    Files.writeString(dir.resolve("__init__.py"), "");
    Files.writeString(dir.resolve("sub.py"), "VALUE = 1\n");
    HeldPackage gamma = new HeldPackage("gamma==1", dir.getParent(), List.of("gamma"));
    ImportNeeds needs = new ImportNeeds("", List.of(gamma));
    seeded("", List.of(gamma));
    // wave: a standard-library module no zygote imports, so outside every closure
    String body = "import sys\nseen = ['gamma.sub' in sys.modules, 'wave' in sys.modules]\nimport gamma.sub, wave\n"
        + "def f(e):\n    return seen\n";
    assertEquals("[false, false]", invoke(tree.fork(needs, spec(needs, body))));
    await().atMost(Duration.ofSeconds(20)).until(() -> invoke(tree.fork(needs, spec(needs, body))).equals("[true, false]"));
  }

  @Test
  void overTheMemoryBudgetLeavesAreEvictedAndRootsStay() throws Exception {
    tree(new TreeSettings(1, 1));
    HeldPackage a = pkg("alpha", "1", 0);
    tree.seed("", List.of(a));
    await().atMost(Duration.ofSeconds(20)).until(() -> tree.evictions() == 1);
    assertEquals(List.of(-1), tree.snapshot().stream().map(NodeView::parentId).toList(), "only the root is left");
  }

  @Test
  void deadZygoteIsRebuiltAndTheForkSucceeds() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage a = pkg("alpha", "1", 0);
    TreeNode node = seeded("", List.of(a));
    long oldPid = node.zygote.pid();
    ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();
    await().atMost(Duration.ofSeconds(5)).until(() -> !node.zygote.isAlive());
    ImportNeeds needs = new ImportNeeds("", List.of(a));
    assertEquals("1", invoke(tree.fork(needs, spec(needs, "def f(e):\n    return 1\n"))));
    assertNotEquals(oldPid, node.zygote.pid());
  }

  @Test
  void hotNodeGetsAReplicaSoForksFromItRunInParallel() throws Exception {
    tree(new TreeSettings(1, Long.MAX_VALUE, 1));
    HeldPackage a = pkg("alpha", "1", 0);
    TreeNode node = seeded("", List.of(a));
    ImportNeeds needs = new ImportNeeds("", List.of(a));
    InstanceSpec spec = spec(needs, "def f(e):\n    return 1\n");
    ExecutorService callers = Executors.newFixedThreadPool(4);
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        List<java.util.concurrent.Future<Instance>> forks = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
          forks.add(callers.submit(() -> tree.fork(needs, spec)));
        }
        for (var f : forks) {
          f.get().close();
        }
        return tree.snapshot().stream().anyMatch(v -> v.id() == node.id && v.replicas() == 1);
      });
    } finally {
      callers.shutdownNow();
    }
  }

  @Test
  void tenantsNeverShareAZygote() throws Exception {
    tree(TreeSettings.defaults());
    HeldPackage a = pkg("alpha", "1", 0);
    seeded("acme", List.of(a));
    TreeNode other = tree.choose(new ImportNeeds("globex", List.of(a)));
    assertTrue(other.isRoot());
    assertEquals("globex", other.tenant);
  }
}
