package dev.sockeye.sandbox.netns;

import dev.sockeye.sandbox.sys.Sys;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empty network namespaces (loopback only), made ahead of demand on the thread "sockeye-netns": creating one
 * takes a global kernel lock, which SOCK found to be the main bottleneck at start, so it stays off the fork path.
 * Each namespace serves one sandbox and is dropped with it (the last descriptor's close frees it, asynchronously
 * in the kernel). {@link #hostNamespace()} is the service's own, for {@code network: host}.
 *
 * <p>Thread-safety: {@code ready} and {@code closed} are guarded by {@code this}; any thread may take.
 */
public final class NetnsPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NetnsPool.class);

  private final int home;
  private final int spare;
  private final ExecutorService filler = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sockeye-netns");
    t.setDaemon(true);
    return t;
  });
  private final Deque<Integer> ready = new ArrayDeque<>(); // guarded by this
  private boolean closed; // guarded by this

  public NetnsPool(int spare) {
    this.spare = spare;
    this.home = Sys.openReadOnly("/proc/self/ns/net");
    submitFill();
  }

  /** The service's network namespace; owned by the pool, callers must not close it. */
  public int hostNamespace() {
    return home;
  }

  /**
   * An open descriptor of a new, empty namespace; the caller owns and closes it. When the pool is empty one is
   * made on the calling thread, which returns to its namespace before this method does.
   */
  public int take() {
    Integer fd;
    int left;
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("take network namespace: the pool is closed");
      }
      fd = ready.pollFirst();
      left = ready.size();
    }
    if (left < spare / 2) {
      submitFill();
    }
    return fd != null ? fd : NetworkNamespace.create(home);
  }

  private void submitFill() {
    try {
      filler.execute(this::fill);
    } catch (RejectedExecutionException e) {
      // closing: nothing more to make
    }
  }

  private void fill() {
    while (true) {
      synchronized (this) {
        if (closed || ready.size() >= spare) {
          return;
        }
      }
      int fd;
      try {
        fd = NetworkNamespace.create(home);
      } catch (RuntimeException e) {
        LOG.warn("pre-create network namespace: {}", e.getMessage());
        return;
      }
      synchronized (this) {
        if (closed) {
          Sys.closeQuietly(fd);
          return;
        }
        ready.addLast(fd);
      }
    }
  }

  /** Closes every pooled namespace and the service's own descriptor. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    filler.shutdown();
    try {
      filler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      ready.forEach(Sys::closeQuietly);
      ready.clear();
    }
    Sys.closeQuietly(home);
  }
}
