package dev.sockeye.zygote.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Whether processes we do not parent are still running. ProcessHandle.isAlive() counts a zombie as alive, and
 * an instance orphaned by its zygote's death stays a zombie until the init process gets round to reaping it
 * (over a second in some containers). A zombie runs no code and holds no sockets, so here it counts as gone,
 * except for the JVM's own children, which stay "running" until the JDK has reaped them. Stateless.
 */
public final class Liveness {
  private static final Duration POLL = Duration.ofMillis(5);

  private Liveness() {}

  public static boolean isRunning(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    if (process.parent().map(p -> p.pid() == ProcessHandle.current().pid()).orElse(false)) {
      return true; // our own child: the JDK reaps it, and until then it still counts as our descendant
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // Field 3 follows the parenthesised command name, which may itself contain spaces or parentheses.
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state != 'Z' && state != 'X';
    } catch (IOException | RuntimeException e) {
      return process.isAlive(); // no /proc (or the process vanished meanwhile): trust the JDK
    }
  }

  /** Waits until none of {@code processes} is running or {@code timeout} passes; returns those still running. */
  public static List<ProcessHandle> awaitGone(Collection<ProcessHandle> processes, Duration timeout) {
    // nanoTime, not a Clock: this is a timeout on the local machine, not a business timestamp.
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ProcessHandle> running = processes.stream().filter(Liveness::isRunning).toList();
    while (!running.isEmpty() && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(POLL.toNanos());
      running = running.stream().filter(Liveness::isRunning).toList();
    }
    return running;
  }
}
