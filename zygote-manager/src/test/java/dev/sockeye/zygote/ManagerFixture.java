package dev.sockeye.zygote;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Gives each test a fresh ZygoteManager over a temporary work directory and a code directory for f.py. */
abstract class ManagerFixture {
  @TempDir Path workDir;
  @TempDir Path codeDir;
  ZygoteManager manager;

  @BeforeEach
  void startManager() {
    manager = new ZygoteManager(settings(), Clock.systemUTC());
  }

  /** -Dsockeye.python=/path/to/python3.9 runs the whole suite against another interpreter. */
  ZygoteSettings settings() {
    ZygoteSettings defaults = ZygoteSettings.defaults(workDir);
    String python = System.getProperty("sockeye.python");
    return python == null ? defaults
        : new ZygoteSettings(Path.of(python), workDir, defaults.preloadModules(), defaults.startTimeout());
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** Writes {@code source} as codeDir/f.py and returns the spec for it. */
  InstanceSpec handler(String function, String source) {
    return handlerIn(codeDir, function, source);
  }

  static InstanceSpec handlerIn(Path dir, String function, String source) {
    try {
      Files.writeString(dir.resolve("f.py"), source);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new InstanceSpec(function, "v1", dir, Map.of());
  }
}
