package dev.sockeye.zygote;

import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.zygote.process.SocketDirectory;
import dev.sockeye.zygote.process.UnixListener;
import dev.sockeye.zygote.process.UnixSockets;
import dev.sockeye.zygote.process.ZygoteProcess;
import dev.sockeye.zygote.process.ZygoteUnavailableException;
import dev.sockeye.zygote.protocol.ForkReply;
import dev.sockeye.zygote.protocol.ForkRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Forks one instance from one zygote: from a pooled spare when there is one ({@link SparePool}), else by asking
 * the zygote; then schedules the spare refill and, for a zygote's first instances, hot-page learning. Runs on
 * the forking caller's thread and holds no mutable state of its own (the zygote serialises its connection).
 */
final class Forker {
  private final Clock clock;
  private final SocketDirectory sockets;
  private final InstanceHandoff handoff;
  private final SparePool spares;
  private final HotPageLearner learner;

  Forker(Clock clock, SocketDirectory sockets, InstanceHandoff handoff, SparePool spares, HotPageLearner learner) {
    this.clock = clock;
    this.sockets = sockets;
    this.handoff = handoff;
    this.spares = spares;
    this.learner = learner;
  }

  /**
   * Blocking. Throws {@link ZygoteDiedException} if the zygote is gone, {@link ForkFailedException} for other
   * failures. The spec's sandbox, if any, is owned by the returned instance; if this throws it stays the caller's.
   */
  Instance fork(Zygote zygote, InstanceSpec spec) {
    boolean spareKind = (spec.sandbox() != null) == (zygote.hostRoot() != null);
    Instance spared = spareKind ? spares.take(zygote, spec) : null;
    Instance instance = spared != null ? spared
        : spec.sandbox() == null ? zygote.request(process -> forkOn(process, spec)) : forkSandboxed(zygote, spec);
    if (spareKind) {
      spares.refillLater(zygote);
    }
    if (zygote.hotPages().claimLearning()) {
      instance.whenFirstReplied(reply -> learner.learnLater(zygote, instance));
    }
    return instance;
  }

  private Instance forkOn(ZygoteProcess zygote, InstanceSpec spec) {
    long n = handoff.nextNumber();
    Path socket = instanceSocket(sockets, spec, n);
    String where = "fork " + spec.function() + " from zygote " + zygote.name() + " (pid " + zygote.pid() + ")";
    var out = handoff.openOutput(spec, n);
    try {
      Instant start = clock.instant();
      ForkReply reply;
      try {
        reply = zygote.fork(forkRequest(spec, socket), out.writeFds());
      } finally {
        out.closeWriteEnds();
      }
      if (reply instanceof ForkReply.Refused refused) {
        throw new ForkFailedException(where + ": " + refused.error());
      }
      Duration forkTime = Duration.between(start, clock.instant());
      return handoff.connectForked(spec.function() + "-" + n, ((ForkReply.Forked) reply).pid(), forkTime, socket, where,
          out);
    } catch (ZygoteUnavailableException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ZygoteDiedException(e.getMessage(), e);
    } catch (RuntimeException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw e;
    }
  }

  /**
   * A sandboxed fork holds the zygote only for the fork itself (the zygote replies right after fork()); entering
   * the sandbox and dropping privileges happen in the child while this thread waits on the child's readiness
   * frame, so forks from one zygote overlap. The JVM makes the instance's listening socket, so it can connect
   * before the child exists.
   */
  private Instance forkSandboxed(Zygote zygote, InstanceSpec spec) {
    long n = handoff.nextNumber();
    SandboxHandle box = spec.sandbox();
    Path socket = instanceSocket(sockets, spec, n);
    String where = "fork " + spec.function() + " from " + zygote;
    ForkRequest request = forkRequest(spec, socket);
    Instant start = clock.instant();
    ForkReply reply;
    var out = handoff.openOutput(spec, n);
    try (UnixListener listener = UnixListener.bind(socket)) { // closed after the reply: the child holds it then
      reply = zygote.request(process -> process.forkSandboxed(request, listener.fd(), out.writeFds()));
    } catch (ZygoteUnavailableException e) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ZygoteDiedException(e.getMessage(), e);
    } catch (IOException e) {
      out.close();
      throw new ForkFailedException(where + ": " + e.getMessage(), e);
    } finally {
      out.closeWriteEnds();
    }
    if (reply instanceof ForkReply.Refused refused) {
      out.close();
      UnixSockets.deleteQuietly(socket);
      throw new ForkFailedException(where + ": " + refused.error());
    }
    long pid = ((ForkReply.Forked) reply).pid();
    Duration forkTime = Duration.between(start, clock.instant());
    return handoff.awaitReady(spec.function() + "-" + n, pid, forkTime, socket, where, box, out);
  }

  /** Where the instance listens, as the host sees it: in the service's socket directory, or in its sandbox's /host. */
  static Path instanceSocket(SocketDirectory sockets, InstanceSpec spec, long n) {
    SandboxHandle box = spec.sandbox();
    return box == null ? sockets.socket("i" + n) : UnixSockets.requireShortEnough(box.hostRoot().resolve("host/sock"));
  }

  /** A sandboxed instance sees its code at /handler and its socket at /host/sock; an unsandboxed one, the host's paths. */
  static ForkRequest forkRequest(InstanceSpec spec, Path socket) {
    return spec.sandbox() == null
        ? new ForkRequest(spec.function(), spec.version(), spec.codeDir(), socket, spec.env(), spec.sysPath(), null)
        : new ForkRequest(spec.function(), spec.version(), Path.of("/handler"), Path.of("/host/sock"), spec.env(),
            spec.sysPath(), spec.sandbox());
  }
}
