package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves child processes (zygotes, instances) or threads of ours (Sockeye's
 * pools, pollers, Vert.x) behind once it has closed what it started. The shared broker's own
 * threads come and go lazily and are not ours to judge. Processes get a short grace period to be reaped.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> OUR_THREADS = List.of("sockeye-", "poll-", "zygote-", "vert.x-");
  private Set<String> threadsBefore;

  @Override
  public void beforeAll(ExtensionContext context) {
    threadsBefore = ourThreads();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> liveDescendants().isEmpty() && newThreads().isEmpty());
    } catch (ConditionTimeoutException e) {
      fail("leaked processes: " + liveDescendants().stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()
          + ", leaked threads: " + newThreads());
    }
  }

  private Set<String> newThreads() {
    Set<String> now = ourThreads();
    now.removeAll(threadsBefore);
    return now;
  }

  private static List<ProcessHandle> liveDescendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }

  private static Set<String> ourThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && OUR_THREADS.stream().anyMatch(t.getName()::startsWith))
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
