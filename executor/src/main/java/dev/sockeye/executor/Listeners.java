package dev.sockeye.executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a listener so that its failure never breaks the work it observes. Stateless. */
final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private Listeners() {}

  static void quietly(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("executor listener failed (ignored): {}", e.toString());
    }
  }
}
