package dev.sockeye.zygote;

import dev.sockeye.zygote.process.PageMap;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After a zygote's first instances reply, reads which of its pages they copied and tells the zygote, so its
 * later children copy those pages in bulk right after fork instead of one fault at a time. Reads pagemaps off
 * the fork and invoke paths, on its own thread "zygote-hot-pages"; what it learned lives in each zygote's
 * {@link HotPages}. A learning that finds its instance gone is skipped.
 */
final class HotPageLearner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HotPageLearner.class);

  private final SparePool spares;
  private final ExecutorService learner = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "zygote-hot-pages");
    t.setDaemon(true);
    return t;
  });

  /** {@code spares}: the spares forked before a learning would fault page by page, so they are replaced. */
  HotPageLearner(SparePool spares) {
    this.spares = spares;
  }

  /** Queues a learning from {@code instance}, which must still run when it is read. */
  void learnLater(Zygote zygote, Instance instance) {
    try {
      learner.execute(() -> learn(zygote, instance));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Blocking: returns once every learning queued so far has finished. */
  void awaitIdle() {
    try {
      learner.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RejectedExecutionException e) {
      // nothing was learning
    }
  }

  private void learn(Zygote zygote, Instance instance) {
    try {
      PageMap.Touched copied = PageMap.touchedPages(instance.pid(), zygote.pid(), HotPages.MAX_PAGES,
          HotPages.MAX_READ_PAGES);
      if (!instance.isAlive()) {
        zygote.hotPages().unclaim(); // it may have exited half-way through the read: learn from a later one
        return;
      }
      PageMap.Touched hot = zygote.hotPages().add(copied);
      if (hot != null && zygote.isAlive()) {
        long n = zygote.request(p -> {
          p.discardSpares(); // forked before the learning: they would fault page by page
          return p.hotPages(PageMap.runs(hot.written(), HotPages.MAX_GAP), PageMap.runs(hot.read(), HotPages.MAX_GAP));
        });
        spares.refillLater(zygote);
        LOG.debug("{}: its children now copy {} hot pages at once", zygote, n);
      }
    } catch (IOException | RuntimeException e) {
      zygote.hotPages().unclaim();
      LOG.debug("{}: could not learn hot pages from {}: {}", zygote, instance, e.toString());
    }
  }

  /** Stops the learning thread. Idempotent. */
  @Override
  public void close() {
    learner.shutdownNow();
  }
}
