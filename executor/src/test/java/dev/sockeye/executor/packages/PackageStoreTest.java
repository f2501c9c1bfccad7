package dev.sockeye.executor.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package store on real pip, offline, with wheels built by the test. */
class PackageStoreTest {
  @TempDir Path wheelDir;
  @TempDir Path storeDir;
  private Wheels wheels;
  private PackageStore store;

  @BeforeEach
  void wheelhouse() {
    wheels = new Wheels(wheelDir).add("alpha", "1.0", 0, "beta>=1").add("beta", "1.0", 0).add("beta", "2.0", 0)
        .add("Gamma_Pkg", "0.3", 0);
    store = new PackageStore(storeDir, wheels.pip());
  }

  private static List<String> keys(List<Distribution> ds) {
    return ds.stream().map(Distribution::key).sorted().toList();
  }

  @Test
  void unpinnedRequirementResolvesToTheNewestClosure() {
    assertEquals(List.of("alpha==1.0", "beta==2.0"), keys(store.resolve(List.of("alpha"), "t")));
  }

  @Test
  void pinnedRequirementKeepsItsVersionInTheClosure() {
    assertEquals(List.of("alpha==1.0", "beta==1.0"), keys(store.resolve(List.of("alpha", "beta==1.0"), "t")));
  }

  @Test
  void namesAreNormalised() {
    assertEquals(List.of("gamma-pkg==0.3"), keys(store.resolve(List.of("gamma.pkg"), "t")));
  }

  @Test
  void installPutsEachVersionInItsOwnDirectoryWithItsModules() {
    List<InstalledPackage> installed = store.installAll(List.of("alpha"), "t");
    InstalledPackage beta = installed.stream().filter(p -> p.distribution().name().equals("beta")).findFirst().orElseThrow();
    assertEquals(storeDir.resolve("beta").resolve("2.0"), beta.dir());
    assertEquals(List.of("beta"), beta.modules());
    assertTrue(Files.isRegularFile(beta.dir().resolve("beta/__init__.py")));
  }

  @Test
  void twoFunctionsNeedingTheSameVersionShareOneInstall() {
    store.installAll(List.of("alpha"), "f1");
    store.installAll(List.of("beta"), "f2");
    assertEquals(2, store.pipInstalls(), "alpha and beta 2.0, each once");
  }

  @Test
  void concurrentInstallsOfOneDistributionRunPipOnce() throws Exception {
    Distribution beta = store.resolve(List.of("beta==2.0"), "t").get(0);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<CompletableFuture<InstalledPackage>> all = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        all.add(CompletableFuture.supplyAsync(() -> store.install(beta), pool));
      }
      for (var f : all) {
        assertEquals(storeDir.resolve("beta/2.0"), f.get().dir());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, store.pipInstalls());
  }

  @Test
  void sizeCountsInstallsMadeAfterTheFirstWalk() {
    assertEquals(0, store.sizeBytes(), "empty store, walked once");
    store.installAll(List.of("alpha"), "t");
    long size = store.sizeBytes();
    assertTrue(size > 0);
    assertEquals(new PackageStore(storeDir, wheels.pip()).sizeBytes(), size, "kept in step with a fresh walk");
  }

  @Test
  void aRestartedStoreReusesWhatIsInstalled() {
    store.installAll(List.of("alpha"), "t");
    PackageStore again = new PackageStore(storeDir, wheels.pip());
    again.installAll(List.of("alpha"), "t");
    assertEquals(0, again.pipInstalls());
  }

  @Test
  void unknownRequirementFailsWithPipsErrorAndLeavesNothingBehind() throws Exception {
    PackageInstallException e = assertThrows(PackageInstallException.class,
        () -> store.installAll(List.of("no-such-dist==9.9"), "functions/x/requirements.txt"));
    assertTrue(e.getMessage().contains("functions/x/requirements.txt"), e.getMessage());
    assertTrue(e.getMessage().contains("no-such-dist"), e.getMessage());
    try (Stream<Path> left = Files.list(storeDir)) {
      assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().equals(".locks")).toList());
    }
  }

  @Test
  void brokenWheelFailsTheInstallAndLeavesNoHalfInstalledDirectory() throws Exception {
    Files.writeString(wheelDir.resolve("broken-1.0-py3-none-any.whl"), "not a zip");
    Distribution broken = new Distribution("broken", "1.0", wheelDir.resolve("broken-1.0-py3-none-any.whl").toUri().toString());
    assertThrows(PackageInstallException.class, () -> store.install(broken));
    try (Stream<Path> left = Files.list(storeDir.resolve("broken"))) {
      assertEquals(List.of(), left.toList(), "no version directory and no temporary directory");
    }
  }
}
