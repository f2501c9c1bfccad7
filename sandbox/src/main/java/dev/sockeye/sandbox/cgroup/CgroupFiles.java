package dev.sockeye.sandbox.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes of cgroupfs files, with errors naming the file and the value. Stateless. */
final class CgroupFiles {
  private CgroupFiles() {}

  static void write(Path file, String value) {
    try {
      Files.writeString(file, value);
    } catch (IOException e) {
      throw new UncheckedIOException("write '" + value + "' to " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes if the file exists (e.g. memory.memsw.* exists only with swap accounting). */
  static void writeIfPresent(Path file, String value) {
    if (Files.exists(file)) {
      write(file, value);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The pids in a cgroup.procs file; empty if the cgroup is gone. */
  static List<Integer> pids(Path procs) {
    List<Integer> pids = new ArrayList<>();
    try {
      // Bytes, not readAllLines: this runs in teardown loops, and a reader and decoder per call showed up.
      int pid = -1;
      for (byte b : Files.readAllBytes(procs)) {
        if (b >= '0' && b <= '9') {
          pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
        } else if (pid >= 0) {
          pids.add(pid);
          pid = -1;
        }
      }
      if (pid >= 0) {
        pids.add(pid);
      }
    } catch (NoSuchFileException e) {
      return pids;
    } catch (IOException e) {
      throw new UncheckedIOException("read " + procs + ": " + e.getMessage(), e);
    }
    return pids;
  }

  /** The value of {@code key} in a "key value" per line file (memory.events, memory.oom_control); 0 if absent. */
  static long field(Path file, String key) {
    if (!Files.exists(file)) {
      return 0;
    }
    for (String line : read(file).split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length == 2 && parts[0].equals(key)) {
        return Long.parseLong(parts[1]);
      }
    }
    return 0;
  }

  static void mkdir(Path dir) {
    try {
      Files.createDirectory(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("create cgroup " + dir + ": " + e.getMessage(), e);
    }
  }

  /** rmdir; a cgroup directory can only be removed this way (its files are virtual). */
  static void rmdir(Path dir) {
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("remove cgroup " + dir + ": " + e.getMessage(), e);
    }
  }
}
