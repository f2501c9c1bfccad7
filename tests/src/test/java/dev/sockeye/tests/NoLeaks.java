package dev.sockeye.tests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves behind, once it has closed what it started: child processes (zygotes, instances,
 * whatever a handler spawned), threads of ours (Sockeye's pools, pollers, Vert.x), mounts (lines of
 * /proc/self/mountinfo), Sockeye cgroups (sockeye-* under each v1 hierarchy or the v2 root) or sandbox roots
 * (mounts under a sandbox area). The shared broker's own threads come and go lazily and are not ours to judge.
 * Processes get a short grace period to be reaped and cgroups to be recycled.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {
  private static final List<String> OUR_THREADS = List.of("sockeye-", "poll-", "zygote-", "vert.x-");
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");
  private Set<String> threadsBefore;
  private int mountsBefore;
  private Set<Path> cgroupsBefore;

  @Override
  public void beforeAll(ExtensionContext context) {
    threadsBefore = ourThreads();
    mountsBefore = mounts().size();
    cgroupsBefore = sockeyeCgroups();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> liveDescendants().isEmpty() && newThreads().isEmpty()
          && mounts().size() == mountsBefore && newCgroups().isEmpty());
    } catch (ConditionTimeoutException e) {
      fail("leaked processes: " + liveDescendants().stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()
          + ", leaked threads: " + newThreads() + ", mounts: " + mountsBefore + " before, " + mounts().size()
          + " after (sandbox mounts now: " + mounts().stream().filter(l -> l.contains("/sb/")).limit(5).toList()
          + "), leaked cgroups: " + newCgroups());
    }
  }

  private Set<String> newThreads() {
    Set<String> now = ourThreads();
    now.removeAll(threadsBefore);
    return now;
  }

  private Set<Path> newCgroups() {
    Set<Path> now = sockeyeCgroups();
    now.removeAll(cgroupsBefore);
    return now;
  }

  static List<String> mounts() {
    try {
      return Files.readAllLines(Path.of("/proc/self/mountinfo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parent cgroups of Sockeye services (sockeye-<pid>-<n>), on every hierarchy. */
  static Set<Path> sockeyeCgroups() {
    try (Stream<Path> hierarchies = Files.list(CGROUPS)) {
      return hierarchies.flatMap(NoLeaks::sockeyeChildren).collect(Collectors.toSet());
    } catch (IOException e) {
      return new java.util.HashSet<>();
    }
  }

  private static Stream<Path> sockeyeChildren(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Stream.empty();
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.filter(c -> c.getFileName().toString().startsWith("sockeye-")).toList().stream();
    } catch (IOException e) {
      return Stream.empty();
    }
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
