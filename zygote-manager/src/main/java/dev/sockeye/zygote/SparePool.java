package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.Spare;
import dev.sockeye.zygote.process.UnixListener;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.process.ZygoteUnavailableException;
import dev.sockeye.zygote.protocol.ForkRequest;
import dev.sockeye.zygote.protocol.ZygoteCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spares of every zygote that forks instances: children forked ahead of demand that the JVM sends a fork
 * request directly, so the zygote is off the request's path ({@link ZygoteSettings#sparesPerZygote()} each, 0 =
 * fork on demand). Forking threads take spares (each zygote's pool synchronises itself); refills run on this
 * pool's own thread, "zygote-spares". The batch counter is atomic.
 */
final class SparePool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SparePool.class);
  /** The most spares one contended fork asks its zygote for at once (see fromBatch). */
  static final int MAX_BATCH = 8;

  private final int perZygote;
  private final Clock clock;
  private final SocketDirectory sockets;
  private final InstanceHandoff handoff;
  private final AtomicLong batchedSpares = new AtomicLong(); // spares forked by fromBatch, for tests
  private final BooleanSupplier managerClosed;
  // Asks zygotes for spares off the fork path; a zygote that died meanwhile is skipped.
  private final ExecutorService filler = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "zygote-spares");
    t.setDaemon(true);
    return t;
  });

  SparePool(int perZygote, Clock clock, SocketDirectory sockets, InstanceHandoff handoff, BooleanSupplier managerClosed) {
    this.perZygote = perZygote;
    this.managerClosed = managerClosed;
    this.clock = clock;
    this.sockets = sockets;
    this.handoff = handoff;
  }

  /**
   * The instance made from a pooled spare, or from a batch of spares when other forks wait behind this one;
   * null (fork on demand) when neither applies. If a spare dies before it is ready and the zygote is gone too,
   * the failure is a {@link ZygoteDiedException}, so the caller restarts the zygote and retries.
   */
  Instance take(Zygote zygote, InstanceSpec spec) {
    Instance instance = fromPool(zygote, spec);
    return instance == null && perZygote > 0 ? fromBatch(zygote, spec) : instance;
  }

  /** Sends the request straight to one of the zygote's pooled spares; a spare found dead is skipped. */
  private Instance fromPool(Zygote zygote, InstanceSpec spec) {
    while (true) {
      Spare spare = zygote.process().takeSpare().orElse(null);
      if (spare == null) {
        return null;
      }
      Instance instance = use(zygote, spare, spec);
      if (instance != null) {
        return instance;
      }
    }
  }

  /** The instance made from {@code spare} (closed here), or null when the spare was dead before the request. */
  private Instance use(Zygote zygote, Spare spare, InstanceSpec spec) {
    try (spare) {
      return sendTo(zygote, spare, spec);
    } catch (ForkFailedException e) {
      if (!zygote.isAlive() && !(e instanceof ZygoteDiedException)) {
        throw new ZygoteDiedException(e.getMessage() + " (its zygote died)", e);
      }
      throw e;
    }
  }

  /**
   * When other forks wait on the zygote behind this one, asks it for a spare for this fork and one for each of
   * them in a single request; each of them then finds its spare pooled once it holds the zygote. Under
   * sustained load every fork used to be its own request, and between two forks the zygote wrote ~120-170
   * pages its children still shared (decoding, replying), each a copy-on-write fault; in one batch the forks
   * come back to back. Null (fork on demand) when nobody waits: that path is one round trip shorter.
   */
  private Instance fromBatch(Zygote zygote, InstanceSpec spec) {
    Spare spare;
    try {
      spare = zygote.request(p -> {
        Spare pooled = p.takeSpare().orElse(null);
        int behind = zygote.queueLength() - 1; // the queue length counts this holder
        if (pooled != null || behind <= 0) {
          return pooled;
        }
        int batch = Math.min(MAX_BATCH, 1 + behind);
        p.forkSpares(batch, zygote.hostRoot() != null);
        batchedSpares.addAndGet(batch);
        return p.takeSpare().orElse(null);
      });
    } catch (ZygoteUnavailableException e) {
      throw new ZygoteDiedException(e.getMessage(), e);
    }
    return spare == null ? null : use(zygote, spare, spec);
  }

  /** The instance, or null when the spare was dead before it got the request. */
  private Instance sendTo(Zygote zygote, Spare spare, InstanceSpec spec) {
    long n = handoff.nextNumber();
    SandboxHandle box = spec.sandbox();
    Path socket = Forker.instanceSocket(sockets, spec, n);
    ForkRequest request = Forker.forkRequest(spec, socket);
    String where = "fork " + spec.function() + " from " + zygote + " through " + spare;
    Instant start = clock.instant();
    var out = handoff.openOutput(spec, n);
    try (UnixListener listener = UnixListener.bind(socket)) { // the spare holds its own copy once sent
      var frame = ZygoteCodec.encodeSpareFork(request);
      List<Integer> fds = new java.util.ArrayList<>(
          box == null ? List.of(listener.fd()) : ZygoteCodec.forkFds(box, listener.fd()));
      ZygoteCodec.attachOutput(frame, fds, out.writeFds());
      spare.send(frame, fds);
    } catch (IOException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      LOG.debug("{}: the spare is gone ({}); trying another", where, e.toString());
      return null;
    } finally {
      out.closeWriteEnds();
    }
    Duration forkTime = Duration.between(start, clock.instant());
    return handoff.awaitReady(spec.function() + "-" + n, spare.pid(), forkTime, socket, where, box, out);
  }

  /** Keeps the configured number of spares pooled for {@code zygote}, asking it for more in the background. */
  void refillLater(Zygote zygote) {
    if (perZygote <= 0 || !zygote.claimRefill()) {
      return;
    }
    try {
      filler.execute(() -> refill(zygote));
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void refill(Zygote zygote) {
    zygote.refillClaimed();
    int missing = perZygote - zygote.process().spareCount();
    // Forks waiting on the zygote come first (as SOCK's zygote refills when idle): under a burst the spares
    // would be taken before they are prepared anyway. The next fork asks again.
    if (missing <= 0 || !zygote.isAlive() || managerClosed.getAsBoolean() || zygote.queueLength() > 0) {
      return;
    }
    try {
      zygote.request(p -> {
        p.forkSpares(missing, zygote.hostRoot() != null);
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("{}: no spares this time: {}", zygote, e.toString());
    }
  }

  /** How many spares contended forks asked for in batches so far. */
  long batchedSpares() {
    return batchedSpares.get();
  }

  /** Blocking: returns once every refill queued so far has run and the spares of {@code zygotes} are prepared. */
  void awaitIdle(List<ZygoteProcess> zygotes) {
    try {
      filler.submit(() -> {}).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException | RejectedExecutionException e) {
      return;
    }
    zygotes.forEach(z -> z.pooledSpares().forEach(Spare::awaitPrepared));
  }

  /** Stops the refill thread. Idempotent. */
  @Override
  public void close() {
    filler.shutdownNow();
  }
}
