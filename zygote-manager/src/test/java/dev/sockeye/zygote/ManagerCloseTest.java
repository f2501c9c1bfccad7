package dev.sockeye.zygote;

import static dev.sockeye.zygote.TestEvents.json;
import static dev.sockeye.zygote.TestEvents.request;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ManagerCloseTest extends ManagerFixture {

  @Test
  void closeLeavesNoDescendantProcessesAndNoSockets() throws IOException {
    InstanceSpec spec = handler("busy", "import os\ndef f(event):\n    return os.getpid()\n");
    Instance used = manager.fork(spec);
    used.invoke(request("busy", json(1, "{}")));
    manager.fork(spec);
    manager.spawnFresh(spec);
    assertTrue(ProcessHandle.current().descendants().count() >= 4, "zygote, two forks and a fresh instance");

    manager.close();

    List<ProcessHandle> leftovers = ProcessHandle.current().descendants().toList();
    assertEquals(List.of(), leftovers, "descendants after close");
    assertEquals(List.of(), socketsIn(workDir.resolve("s")), "sockets after close");
    assertFalse(used.isAlive());
  }

  @Test
  void closeIsIdempotentAndLaterForksFail() {
    InstanceSpec spec = handler("late", "def f(event):\n    return 1\n");
    manager.fork(spec);

    manager.close();

    assertDoesNotThrow(manager::close);
    ForkFailedException failure = assertThrows(ForkFailedException.class, () -> manager.fork(spec));
    assertTrue(failure.getMessage().contains("fork late"), failure.getMessage());
    assertThrows(ForkFailedException.class, () -> manager.spawnFresh(spec));
  }

  @Test
  void closingAnInstanceIsIdempotentAndDeletesItsSocket() throws IOException {
    Instance instance = manager.fork(handler("brief", "def f(event):\n    return 1\n"));

    instance.close();
    instance.close();

    assertFalse(instance.isAlive());
    assertEquals(1, socketsIn(workDir.resolve("s")).size(), "only the zygote socket remains");
  }

  private static List<Path> socketsIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".sock")).toList();
    }
  }
}
