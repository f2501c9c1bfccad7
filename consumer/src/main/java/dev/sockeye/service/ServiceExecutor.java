package dev.sockeye.service;

import dev.sockeye.executor.Executor;
import dev.sockeye.executor.ExecutorSettings;
import dev.sockeye.sandbox.SandboxSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The executor a service (or a one-off run of a function, such as a replay) runs handlers in, from its settings. */
public final class ServiceExecutor {
  private ServiceExecutor() {}

  /** Fails fast, naming what the host lacks for sandboxes. {@code work} holds sockets and sandbox roots. */
  public static Executor start(ServiceSettings settings, Path work, Clock clock) {
    Path store = settings.dataDir().toAbsolutePath().resolve("packages");
    Isolation isolation = settings.isolation();
    SandboxSettings sandbox = null;
    if (!isolation.unsafeNoSandbox()) {
      List<Path> hidden = new ArrayList<>(isolation.hidden());
      hidden.add(settings.dataDir().toAbsolutePath());
      SandboxSettings d = SandboxSettings.defaults(work.resolve("sb"), hidden);
      sandbox = new SandboxSettings(d.area(), isolation.base(), store, hidden, d.cgroupRoot(), d.firstUid(), d.spare());
    }
    Caching caching = settings.caching();
    return new Executor(new ExecutorSettings(settings.python(), work, List.of(), Duration.ofSeconds(30), store,
        caching.pip(), caching.tree(), caching.handlerCache(), sandbox), clock);
  }
}
