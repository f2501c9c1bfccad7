package dev.sockeye.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** Runs a benchmark cycle a fixed number of times on {@code concurrency} threads of its own, ended with the run. */
final class Cycles {
  /** One measured cycle; it records its own latencies. */
  @FunctionalInterface
  interface Cycle {
    void run() throws Exception;
  }

  private Cycles() {}

  /** Runs {@code cycle} {@code count} times in all and returns the cycles per second; the first failure is thrown. */
  static double perSecond(int concurrency, int count, String threadName, Cycle cycle) throws Exception {
    AtomicInteger left = new AtomicInteger(count);
    ExecutorService threads = Executors.newFixedThreadPool(concurrency, r -> new Thread(r, threadName));
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < concurrency; t++) {
        futures.add(threads.submit(() -> {
          while (left.decrementAndGet() >= 0) {
            cycle.run();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
