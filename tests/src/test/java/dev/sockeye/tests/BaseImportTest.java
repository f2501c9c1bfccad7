package dev.sockeye.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sockeye.cli.Main;
import dev.sockeye.schemas.InvocationResult;
import dev.sockeye.schemas.Status;
import dev.sockeye.service.Isolation;
import dev.sockeye.service.ServiceSettings;
import dev.sockeye.service.SockeyeService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sockeye base import TAR} unpacks an exported image, and {@code run --base DIR} then runs handlers on it
 * rather than on the host. The image is made here from the host's own python3 (binary, standard library and the
 * shared libraries they load), plus a marker file, so the test needs no registry, network or debootstrap.
 */
@ExtendWith({SharedKafka.class, NoLeaks.class})
class BaseImportTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  /** Copies python3, its stdlib and every shared library they link into $1, then tars $1 into $2. */
  private static final String MAKE_IMAGE = String.join("\n",
      "set -e",
      "root=$1",
      "mkdir -p $root/usr/bin $root/usr/lib $root/etc",
      "cp -a /usr/bin/python3 /usr/bin/python3.11 $root/usr/bin/",
      "cp -a /usr/lib/python3.11 $root/usr/lib/",
      "for l in bin lib lib64 sbin; do if [ -L /$l ]; then cp -a /$l $root/; fi; done",
      "mkdir -p $root/usr/lib64",
      "for f in /usr/bin/python3.11 $(find /usr/lib/python3.11/lib-dynload -name '*.so'); do",
      "  ldd $f | awk '/=>/ {print $3} /ld-linux/ {print $1}'",
      "done | sort -u | while read so; do",
      "  case $so in /usr/*) cp -L --parents $so $root ;; *) cp -L --parents $so $root/usr ;; esac",
      "done",
      "echo 'imported base' > $root/etc/sockeye-test-base",
      "tar --numeric-owner -C $root -cf $2 .",
      "");

  @TempDir static Path work;

  @Test
  void handlersRunOnAnImportedBaseInsteadOfTheHost() throws Exception {
    Path tar = work.resolve("image.tar");
    Process make = new ProcessBuilder("sh", "-c", MAKE_IMAGE, "make-image", work.resolve("image").toString(),
        tar.toString()).inheritIO().start();
    assertEquals(0, make.waitFor(), "building the test image");
    Path base = work.resolve("base");

    assertEquals(0, Main.run("base", "import", tar.toString(), "--to", base.toString()));
    assertTrue(Files.isRegularFile(base.resolve("etc/sockeye-test-base")), "the tarball was unpacked into " + base);
    assertNotEquals(0, Main.run("base", "import", work.resolve("missing.tar").toString(), "--to", base.toString()),
        "a missing tarball is refused");

    String body = String.join("\n",
        "import os",
        "def handler(event, context):",
        "    return {'marker': open('/etc/sockeye-test-base').read().strip(),",
        "            'host_tools': [p for p in ['/usr/bin/apt', '/usr/bin/java', '/usr/bin/mvn'] if os.path.exists(p)]}",
        "");
    String topic = "on-imported-base-in";
    Cluster.createTopic(topic, 1);
    try (SockeyeService service = SockeyeService.start(new ServiceSettings(SharedKafka.bootstrap(),
        work.resolve("data"), PYTHON).withIsolation(new Isolation(false, base, List.of())), Clock.systemUTC())) {
      Path dir = TestFunctions.write(work.resolve("functions"), "on-imported-base", topic, "", body);
      assertEquals(0, Main.run("deploy", dir.toString(), "--bootstrap-servers", SharedKafka.bootstrap()));
      Cluster.send(topic, 0, Cluster.json(List.of("{}")));
      List<InvocationResult> results = Cluster.results(topic + ".results", 1);
      assertEquals(1, results.size());
      InvocationResult r = results.get(0);
      assertEquals(Status.OK, r.getStatus(), r.toString());
      assertEquals("{\"marker\": \"imported base\", \"host_tools\": []}", Cluster.output(r));
    }
  }
}
