package dev.sockeye.zygote.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's memory as /proc tells it. Stateless. */
public final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * Proportional set size in bytes: a page shared by n processes counts 1/n to each, so the sum over a
   * zygote and its forks is what they really cost together. 0 when the process is gone.
   */
  public static long pss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0; // gone, or no smaps_rollup on this kernel
    }
    return 0;
  }
}
