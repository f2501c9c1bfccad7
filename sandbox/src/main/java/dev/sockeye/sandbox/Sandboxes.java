package dev.sockeye.sandbox;

import dev.sockeye.sandbox.cgroup.Cgroup;
import dev.sockeye.sandbox.cgroup.CgroupLayout;
import dev.sockeye.sandbox.cgroup.CgroupPool;
import dev.sockeye.sandbox.mount.Mounts;
import dev.sockeye.sandbox.netns.NetnsPool;
import dev.sockeye.sandbox.rootfs.BaseRoot;
import dev.sockeye.sandbox.rootfs.SandboxRoot;
import dev.sockeye.sandbox.sys.Sys;
import dev.sockeye.sandbox.SandboxHandle;
import dev.sockeye.sandbox.SandboxProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox factory of one service: checks the host at start, owns the private mount area, the read-only base,
 * the cgroup pool and the network-namespace pool, and builds a {@link Sandbox} per instance or zygote.
 *
 * <p>Thread-safety: {@link #create} and {@link #zygoteSandbox} may be called from many worker threads at once
 * (they block for about a millisecond: mounts and cgroup writes, never on an event loop); the pools guard their
 * own state and the counter is atomic. {@link #close()} must come after every sandbox it made was closed.
 */
public final class Sandboxes implements SandboxProvider, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);
  private static final int UIDS = 60_000;

  private final SandboxSettings settings;
  private final Clock clock;
  private final AtomicLong counter = new AtomicLong();
  private final List<AutoCloseable> owned = new ArrayList<>(); // in creation order; closed in reverse
  private BaseRoot base;
  private CgroupPool cgroups;
  private NetnsPool namespaces;

  private Sandboxes(SandboxSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Checks the host (root, namespaces, seccomp, cgroup controllers, python in the base) and builds the shared
   * parts. Throws {@link SandboxUnavailableException} naming what is missing; releases whatever it made.
   */
  public static Sandboxes start(SandboxSettings settings, Path python, Clock clock) {
    CgroupLayout layout = SandboxCheck.verifyHost(settings.base(), settings.cgroupRoot(), python);
    Sandboxes sandboxes = new Sandboxes(settings, clock);
    try {
      sandboxes.build(layout);
      LOG.info("sandboxes ready: base {} ({}), cgroups {}, area {}", settings.base(),
          settings.base().equals(Path.of("/")) ? "host, read-only, sensitive paths hidden" : "image", layout,
          settings.area());
      return sandboxes;
    } catch (RuntimeException e) {
      sandboxes.close();
      throw new SandboxUnavailableException("start sandboxes in " + settings.area() + ": " + e.getMessage(), e);
    }
  }

  private void build(CgroupLayout layout) {
    detachStaleMounts(settings.area());
    Path area = mkdirs(settings.area());
    mkdirs(settings.packages());
    Mounts.makePrivateMountPoint(area); // nothing below propagates to the host's mount table peers
    owned.add(() -> deleteTree(area, settings.packages())); // closed in reverse: after the detach below
    owned.add(() -> Mounts.detach(area));
    mkdirs(area.resolve("r"));
    base = BaseRoot.compose(settings.base(), settings.packages(), settings.hidden(), area.resolve("base"),
        area.resolve("blank"));
    owned.add(base);
    cgroups = new CgroupPool(layout, settings.spare());
    owned.add(cgroups);
    namespaces = new NetnsPool(settings.spare());
    owned.add(namespaces);
  }

  /**
   * A service killed with SIGKILL in a shared mount namespace leaves its mounts under its area; the next one on
   * the same data directory detaches them (deepest first) before it mounts anything there.
   */
  private static void detachStaleMounts(Path area) {
    String prefix = area.toAbsolutePath().normalize().toString();
    List<String> stale;
    try {
      stale = java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(l -> l.split(" ")[4])
          .filter(m -> m.equals(prefix) || m.startsWith(prefix + "/"))
          .sorted(java.util.Comparator.reverseOrder())
          .toList();
    } catch (java.io.IOException e) {
      return; // no mountinfo: nothing we could have mounted either
    }
    for (String m : stale) {
      try {
        Mounts.detach(Path.of(m));
      } catch (RuntimeException e) {
        LOG.warn("could not detach stale mount {}: {}", m, e.getMessage());
      }
    }
    if (!stale.isEmpty()) {
      LOG.info("detached {} stale mounts under {} left by a service that was killed", stale.size(), prefix);
    }
  }

  /** Builds a sandbox for {@code spec}; on a partial failure everything acquired so far is released. */
  public Sandbox create(SandboxSpec spec) {
    Instant start = clock.instant();
    long id = counter.incrementAndGet();
    int uid = settings.firstUid() + (int) (id % UIDS);
    int netns = -1;
    Cgroup cgroup = null;
    SandboxRoot root = null;
    try {
      netns = spec.network() == Network.NONE ? namespaces.take() : namespaces.hostNamespace();
      cgroup = cgroups.acquire(spec.limits());
      root = SandboxRoot.create(base, rootsDir().resolve(Long.toString(id)), spec.code(), uid, spec.scratchMb());
      int rootFd = Sys.openDirectory(root.path().toString());
      Duration setup = Duration.between(start, clock.instant());
      return new Sandbox(id, root, cgroup, cgroups, new Sandbox.Parts(rootFd, netns, spec.network() == Network.NONE,
          uid, setup));
    } catch (RuntimeException e) {
      releaseQuietly(spec, netns, cgroup, root, e);
      throw e;
    }
  }

  private void releaseQuietly(SandboxSpec spec, int netns, Cgroup cgroup, SandboxRoot root, RuntimeException cause) {
    try {
      if (root != null) {
        root.close();
      }
      if (cgroup != null) {
        cgroups.release(cgroup);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    } finally {
      if (spec.network() == Network.NONE) {
        Sys.closeQuietly(netns);
      }
    }
  }

  @Override
  public SandboxHandle zygoteSandbox() {
    return create(SandboxSpec.zygote());
  }

  /** Where sandbox roots are mounted (tests count the directories here). */
  public Path rootsDir() {
    return settings.area().resolve("r");
  }

  public CgroupPool cgroups() {
    return cgroups;
  }

  /** Closes the pools, detaches the base and the area, removes the area's directories. Idempotent. */
  @Override
  public synchronized void close() {
    for (int i = owned.size() - 1; i >= 0; i--) {
      try {
        owned.get(i).close();
      } catch (Exception e) {
        LOG.warn("close sandboxes: {}", e.getMessage());
      }
    }
    owned.clear();
  }

  private static Path mkdirs(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("create directory " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Runs after the area is detached, so only our own empty mount-point directories remain to delete. */
  private static void deleteTree(Path area, Path keep) throws IOException {
    if (!Files.exists(area)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(area)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(area) && !p.startsWith(keep)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
