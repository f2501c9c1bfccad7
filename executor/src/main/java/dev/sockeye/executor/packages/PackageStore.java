package dev.sockeye.executor.packages;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The install cache: {@code <root>/<name>/<version>/} per distribution, installed once with
 * {@code pip install --no-deps --target} and then only read (sandboxes mount it read-only). A version
 * directory appears whole or not at all: pip writes aside, then it is renamed into place, so a failed
 * or killed install leaves nothing half-installed and a restart reuses what is there.
 *
 * <p>Thread-safety: any thread may call any method; they block. Concurrent installs of one distribution
 * in this process share one pip run through {@code inflight}; across processes a lock file per
 * distribution serialises them.
 */
public final class PackageStore {
  private static final String MODULES_FILE = ".sockeye-modules";

  private final Path root;
  private final Pip pip;
  private final Resolver resolver;
  private final ConcurrentHashMap<String, CompletableFuture<InstalledPackage>> inflight = new ConcurrentHashMap<>();
  private final AtomicInteger pipInstalls = new AtomicInteger();
  private final AtomicLong size = new AtomicLong(-1); // -1: not walked yet

  public PackageStore(Path root, PipSettings settings) {
    // Absolute: its package paths go to zygotes and instances, whose working directories are not ours.
    this.root = root.toAbsolutePath().normalize();
    this.pip = new Pip(settings);
    this.resolver = new Resolver(pip);
  }

  public Path root() {
    return root;
  }

  /** The full closure of {@code requirements}; {@code source} names them in errors (e.g. the requirements file). */
  public List<Distribution> resolve(List<String> requirements, String source) {
    return resolver.resolve(requirements, source);
  }

  /** Resolves and installs the closure; throws {@link PackageInstallException} with pip's error. */
  public List<InstalledPackage> installAll(List<String> requirements, String source) {
    List<InstalledPackage> out = new ArrayList<>();
    for (Distribution d : resolve(requirements, source)) {
      out.add(install(d));
    }
    return out;
  }

  /** Installs {@code d} unless it is there already. */
  public InstalledPackage install(Distribution d) {
    Optional<InstalledPackage> there = installed(d);
    if (there.isPresent()) {
      return there.get();
    }
    CompletableFuture<InstalledPackage> mine = new CompletableFuture<>();
    CompletableFuture<InstalledPackage> running = inflight.putIfAbsent(d.key(), mine);
    if (running != null) {
      return join(running);
    }
    try {
      InstalledPackage p = installLocked(d);
      mine.complete(p);
      return p;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inflight.remove(d.key(), mine);
    }
  }

  public Optional<InstalledPackage> installed(Distribution d) {
    Path dir = dirOf(d);
    Path modules = dir.resolve(MODULES_FILE);
    if (!Files.isRegularFile(modules)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new InstalledPackage(d, dir, Files.readAllLines(modules).stream().filter(l -> !l.isBlank()).toList()));
    } catch (IOException e) {
      throw new UncheckedIOException("read " + modules, e);
    }
  }

  /**
   * Bytes on disk under the store. The store is walked once, on first use, and then only the new
   * installs are added: status asks every few seconds, and a store with pandas holds thousands of files.
   */
  public long sizeBytes() {
    return size.updateAndGet(known -> known >= 0 ? known : bytesUnder(root));
  }

  private static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException | UncheckedIOException e) {
      return -1; // a concurrent install renamed something away mid-walk: walk again next time
    }
  }

  /** How many pip installs this store has run: what "installed once" is measured by. */
  public int pipInstalls() {
    return pipInstalls.get();
  }

  private InstalledPackage installLocked(Distribution d) {
    Path lockFile = root.resolve(".locks").resolve(d.name() + "-" + d.version() + ".lock");
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.lock()) {
        Optional<InstalledPackage> there = installed(d); // another process may have finished meanwhile
        return there.isPresent() ? there.get() : installNow(d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("lock " + lockFile, e);
    }
  }

  private InstalledPackage installNow(Distribution d) throws IOException {
    Path target = dirOf(d);
    Path tmp = target.resolveSibling(".tmp-" + d.version() + "-" + UUID.randomUUID());
    try {
      Files.createDirectories(tmp);
      pipInstalls.incrementAndGet();
      pip.run("install " + d.key(), List.of("install", "--no-deps", "--ignore-installed", "--quiet",
          "--target", tmp.toString(), d.url()));
      List<String> modules = TopLevelModules.of(tmp, d);
      Files.write(tmp.resolve(MODULES_FILE), modules);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      long added = bytesUnder(target);
      size.updateAndGet(known -> known < 0 || added < 0 ? -1 : known + added);
      return new InstalledPackage(d, target, modules);
    } finally {
      Resolver.deleteTree(tmp); // gone after a successful move; the debris of a failed one otherwise
    }
  }

  private Path dirOf(Distribution d) {
    return root.resolve(d.name()).resolve(d.version());
  }

  private static InstalledPackage join(CompletableFuture<InstalledPackage> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }
}
