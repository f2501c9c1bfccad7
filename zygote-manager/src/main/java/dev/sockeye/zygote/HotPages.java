package dev.sockeye.zygote;

import dev.sockeye.zygote.process.PageMap;
import java.util.TreeSet;

/**
 * The pages of one zygote that its instances copy early, learned from the pagemaps of its first few
 * instances (union, capped, because every page listed is copied into every later child whether or not it
 * would have touched it). A child that copies them in bulk right after fork avoids ~20 us per
 * copy-on-write fault. Threads: synchronised; learning runs on the manager's learner thread.
 */
final class HotPages {
  static final int LEARN_FROM = 3; // instances
  static final int MAX_PAGES = 4096; // 16 MB per child, a bound on what a wrong guess costs
  static final int MAX_GAP = 2; // pages copied between two hot ones to save a madvise call
  // File pages read (extension modules' code): mapping them ahead costs page-table entries only, no memory.
  static final int MAX_READ_PAGES = 16384;

  private final TreeSet<Long> pages = new TreeSet<>();
  private final TreeSet<Long> readPages = new TreeSet<>();
  private int learned;
  private int claimed;

  /** True for the first few instances: they are worth learning from. */
  synchronized boolean claimLearning() {
    return claimed < LEARN_FROM && ++claimed > 0;
  }

  /** An instance that exited before its pages were read does not use up a claim. */
  synchronized void unclaim() {
    claimed = Math.max(learned, claimed - 1);
  }

  /** Adds what one instance touched; returns both new sets if either grew, else null. */
  synchronized PageMap.Touched add(PageMap.Touched touched) {
    learned++;
    int before = pages.size() + readPages.size();
    addUpTo(pages, touched.written(), MAX_PAGES);
    addUpTo(readPages, touched.read(), MAX_READ_PAGES);
    return pages.size() + readPages.size() == before ? null
        : new PageMap.Touched(new TreeSet<>(pages), new TreeSet<>(readPages));
  }

  private static void addUpTo(TreeSet<Long> set, TreeSet<Long> more, int cap) {
    for (Long p : more) {
      if (set.size() >= cap) {
        break;
      }
      set.add(p);
    }
  }

  synchronized long count() {
    return learned == 0 ? 0 : pages.size() + readPages.size();
  }
}
