package dev.sockeye.zygote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.zygote.invoke.InvokeRequest;
import dev.sockeye.zygote.invoke.Returned;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Child zygotes: forked from a parent, importing more, forking instances that start with those imports. */
class ChildZygoteTest extends ManagerFixture {
  @TempDir Path packages;

  private String invoke(Instance instance) {
    var reply = instance.invoke(new InvokeRequest("f", List.of(TestEvents.json(0, "{}")), Long.MAX_VALUE));
    return new String(((Returned) reply.results().get(0)).output(), StandardCharsets.UTF_8);
  }

  private Path pkg(String name, String code) throws Exception {
    Path dir = Files.createDirectories(packages.resolve(name));
    Files.writeString(dir.resolve(name + ".py"), code);
    return dir;
  }

  @Test
  void childZygoteImportsItsModulesOnceAndItsInstancesFindThemLoaded() throws Exception {
    Path slow = pkg("slowmod", "import time\ntime.sleep(0.2)\nLOADED_AT = time.time()\n");
    Zygote root = manager.root(ZygoteManager.DEFAULT_TENANT);
    Zygote child = manager.startChild(root, List.of(slow.toString()), List.of("slowmod"));

    assertTrue(child.importMicros().get("slowmod") >= 200_000, "import cost is measured: " + child.importMicros());
    assertTrue(child.modules().contains("slowmod"));
    assertEquals(root, child.parent().orElseThrow());
    Instance a = manager.fork(child, handler("f", "import sys, slowmod\ndef f(e):\n    return [slowmod.LOADED_AT, 'slowmod' in sys.modules]\n"));
    Instance b = manager.fork(child, handler("f", "import sys, slowmod\ndef f(e):\n    return [slowmod.LOADED_AT, 'slowmod' in sys.modules]\n"));
    assertEquals(invoke(a), invoke(b), "both instances inherited the one import");
  }

  @Test
  void moduleThatFailsToImportIsLeftOutAndReported() {
    Zygote child = manager.startChild(manager.root(ZygoteManager.DEFAULT_TENANT), List.of(), List.of("json", "no_such_module_x"));
    assertTrue(child.modules().contains("json"));
    assertFalse(child.modules().contains("no_such_module_x"));
    assertTrue(child.failedModules().get("no_such_module_x").startsWith("ModuleNotFoundError"));
  }

  @Test
  void instanceGetsItsOwnPackagesOnSysPath() throws Exception {
    Path extra = pkg("extramod", "VALUE = 42\n");
    InstanceSpec spec = new InstanceSpec("f", "v1", codeDir, Map.of(), List.of(extra.toString()));
    Files.writeString(codeDir.resolve("f.py"), "import extramod\ndef f(e):\n    return extramod.VALUE\n");
    assertEquals("42", invoke(manager.fork(manager.root(ZygoteManager.DEFAULT_TENANT), spec)));
  }

  @Test
  void forkFromADeadZygoteSaysTheZygoteDied() {
    Zygote child = manager.startChild(manager.root(ZygoteManager.DEFAULT_TENANT), List.of(), List.of("json"));
    ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
    Poll.until(java.time.Duration.ofSeconds(5), "child zygote to die", () -> !child.isAlive());
    assertThrows(ZygoteDiedException.class, () -> manager.fork(child, handler("f", "def f(e):\n    return 1\n")));
  }

  @Test
  void tenantsGetSeparateRoots() {
    Zygote a = manager.root("a");
    Zygote b = manager.root("b");
    assertTrue(a.pid() != b.pid());
    assertEquals(a, manager.root("a"));
  }

  @Test
  void stoppingAParentTakesItsChildrenAlong() {
    Zygote child = manager.startChild(manager.root(ZygoteManager.DEFAULT_TENANT), List.of(), List.of("json"));
    Zygote grandchild = manager.startChild(child, List.of(), List.of("decimal"));
    manager.stop(child);
    Poll.until(java.time.Duration.ofSeconds(5), "grandchild zygote to die with its parent", () -> !grandchild.isAlive());
  }
}
