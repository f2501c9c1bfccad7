package dev.sockeye.function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionPackageTest {
  private static final HandlerCheck CHECK = new HandlerCheck(Path.of("/usr/bin/python3"));
  @TempDir Path dir;

  private Path write(String code) throws Exception {
    Files.writeString(dir.resolve("function.yaml"), "name: p\ntriggers: {kafka: {topics: [t]}}\n");
    Files.writeString(dir.resolve("f.py"), code);
    return dir;
  }

  @Test
  void versionChangesWithTheCodeAndNotOtherwise() throws Exception {
    String v1 = FunctionPackage.load(write("def f(e):\n    return 1\n"), CHECK).version();
    String again = FunctionPackage.load(write("def f(e):\n    return 1\n"), CHECK).version();
    String v2 = FunctionPackage.load(write("def f(e):\n    return 2\n"), CHECK).version();
    assertEquals(v1, again);
    assertNotEquals(v1, v2);
  }

  @Test
  void handlerImportedFromAnotherModuleCounts() throws Exception {
    Files.writeString(dir.resolve("impl.py"), "def handler(e, c):\n    return 1\n");
    FunctionPackage p = FunctionPackage.load(write("from impl import handler\n"), CHECK);
    assertTrue(p.code().containsKey("impl.py"));
  }

  @Test
  void bytecodeCachesAreNotShipped() throws Exception {
    Files.createDirectories(dir.resolve("__pycache__"));
    Files.writeString(dir.resolve("__pycache__/f.cpython-311.pyc"), "x");
    assertEquals(2, FunctionPackage.load(write("def f(e):\n    return 1\n"), CHECK).code().size());
  }

  @Test
  void missingFpyIsNamed() throws Exception {
    Files.writeString(dir.resolve("function.yaml"), "name: p\ntriggers: {kafka: {topics: [t]}}\n");
    InvalidFunctionException e = assertThrows(InvalidFunctionException.class, () -> FunctionPackage.load(dir, CHECK));
    assertEquals(dir.resolve("f.py"), e.file());
  }
}
