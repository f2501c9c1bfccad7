package dev.sockeye.zygote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsValidationTest {

  @Test
  void defaultsUseDebianPythonWithoutPreloadAndATenSecondTimeout() {
    ZygoteSettings settings = ZygoteSettings.defaults(Path.of("/tmp/w"));

    assertEquals(Path.of("/usr/bin/python3"), settings.python());
    assertEquals(List.of(), settings.preloadModules());
    assertEquals(Duration.ofSeconds(10), settings.startTimeout());
  }

  @Test
  void nonPositiveStartTimeoutIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ZygoteSettings(Path.of("python3"), Path.of("/tmp/w"), List.of(), Duration.ZERO));

    assertTrue(e.getMessage().contains("startTimeout"), e.getMessage());
  }

  @Test
  void negativeSparesPerZygoteIsRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZygoteSettings.defaults(Path.of("/tmp/w")).withSparesPerZygote(-1));

    assertTrue(e.getMessage().contains("sparesPerZygote"), e.getMessage());
  }

  @Test
  void missingPythonOrWorkDirIsRejectedByName() {
    NullPointerException python = assertThrows(NullPointerException.class,
        () -> new ZygoteSettings(null, Path.of("/tmp/w"), List.of(), Duration.ofSeconds(1)));
    NullPointerException workDir = assertThrows(NullPointerException.class,
        () -> new ZygoteSettings(Path.of("python3"), null, List.of(), Duration.ofSeconds(1)));

    assertTrue(python.getMessage().contains("python"), python.getMessage());
    assertTrue(workDir.getMessage().contains("workDir"), workDir.getMessage());
  }

  @Test
  void functionNameOutsideTheSafeAlphabetIsRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new InstanceSpec("../etc", "v1", Path.of("/tmp"), Map.of()));

    assertTrue(e.getMessage().contains("InstanceSpec.function"), e.getMessage());
  }

  @Test
  void workDirTooLongForUnixSocketsIsRejectedWithTheLimit() {
    Path deep = Path.of("/tmp/" + "d".repeat(120));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ZygoteManager(ZygoteSettings.defaults(deep), java.time.Clock.systemUTC()));

    assertTrue(e.getMessage().contains("107"), e.getMessage());
  }
}
