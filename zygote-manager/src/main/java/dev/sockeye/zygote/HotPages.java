package dev.sockeye.zygote;

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

  private final TreeSet<Long> pages = new TreeSet<>();
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

  /** Adds what one instance copied; returns the new set if it grew, else null. */
  synchronized TreeSet<Long> add(TreeSet<Long> copied) {
    learned++;
    int before = pages.size();
    for (Long p : copied) {
      if (pages.size() >= MAX_PAGES) {
        break;
      }
      pages.add(p);
    }
    return pages.size() == before ? null : new TreeSet<>(pages);
  }

  synchronized long count() {
    return learned == 0 ? 0 : pages.size();
  }
}
