package dev.sockeye.zygote.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads which pages a forked instance has copied from its zygote, from /proc/PID/pagemap (the JVM runs as
 * root and sees every process, sandboxed or not). A page is counted when the instance holds it exclusively
 * (bit 56: it wrote it, so copy-on-write gave it its own copy) in a private writable mapping, and the zygote
 * has a page at the same address (bit 63: present), so a child of the zygote can copy it ahead. Pages of
 * file mappings that are not private-writable (code and read-only data of extension modules) are counted when
 * the instance has them mapped at all: fork does not copy those page tables, so the instance faulted them in
 * itself, and a child can map them ahead. Stateless.
 */
public final class PageMap {
  private static final int PAGE_SHIFT = 12;
  private static final long PRESENT = 1L << 63;
  private static final long EXCLUSIVE = 1L << 56;

  private PageMap() {}

  /** What an instance touched of its zygote: pages it wrote (copied) and file pages it read; ascending. */
  public record Touched(TreeSet<Long> written, TreeSet<Long> read) {}

  /** Page numbers the instance copied from the zygote, ascending, at most {@code cap}. */
  public static TreeSet<Long> copiedPages(long instancePid, long zygotePid, int cap) throws IOException {
    return touchedPages(instancePid, zygotePid, cap, 0).written();
  }

  /** As {@link #copiedPages}, and up to {@code readCap} pages of file mappings the instance has mapped. */
  public static Touched touchedPages(long instancePid, long zygotePid, int cap, int readCap) throws IOException {
    TreeSet<Long> pages = new TreeSet<>();
    TreeSet<Long> read = new TreeSet<>();
    try (FileChannel instance = open(instancePid); FileChannel zygote = open(zygotePid)) {
      java.util.Set<String> zygoteFiles = fileMappings(zygotePid);
      for (long[] range : mappings(instancePid, zygoteFiles)) {
        boolean written = range[2] == 1;
        if (!written && read.size() >= readCap) {
          continue;
        }
        long[] mine = flags(instance, range[0], range[1]);
        long[] theirs = written ? flags(zygote, range[0], range[1]) : null;
        for (int i = 0; i < mine.length; i++) {
          if (written && i < theirs.length && pages.size() < cap
              && (mine[i] & (PRESENT | EXCLUSIVE)) == (PRESENT | EXCLUSIVE) && (theirs[i] & PRESENT) != 0) {
            pages.add(range[0] + i);
          } else if (!written && read.size() < readCap && (mine[i] & PRESENT) != 0) {
            read.add(range[0] + i);
          }
        }
      }
    }
    return new Touched(pages, read);
  }

  /**
   * Ascending pages as runs of {first page, count}, bridging gaps of up to {@code maxGap} pages: one madvise
   * call costs about as much as copying three pages, so copying a small gap is cheaper than a second call.
   */
  public static List<long[]> runs(Iterable<Long> ascending, int maxGap) {
    List<long[]> runs = new ArrayList<>();
    for (long page : ascending) {
      long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
      if (last != null && page - (last[0] + last[1]) <= maxGap) {
        last[1] = page - last[0] + 1;
      } else {
        runs.add(new long[] {page, 1});
      }
    }
    return runs;
  }

  /** "start-end path" of every file mapping of {@code pid}. */
  private static java.util.Set<String> fileMappings(long pid) throws IOException {
    java.util.Set<String> files = new java.util.HashSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
      String[] fields = line.trim().split("\\s+", 6);
      if (fields.length == 6 && fields[5].startsWith("/")) {
        files.add(fields[0] + " " + fields[5]);
      }
    }
    return files;
  }

  private static FileChannel open(long pid) throws IOException {
    return new RandomAccessFile("/proc/" + pid + "/pagemap", "r").getChannel();
  }

  /**
   * {first page, end page, 1} of each private writable mapping ("rw-p" in /proc/PID/maps) and {first page, end
   * page, 0} of each other readable mapping of a file.
   */
  private static List<long[]> mappings(long pid, java.util.Set<String> zygoteFiles) throws IOException {
    List<long[]> ranges = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
      String[] fields = line.trim().split("\\s+", 6);
      if (fields.length < 2) {
        continue;
      }
      boolean written = fields[1].startsWith("rw") && fields[1].charAt(3) == 'p';
      // only the zygote's own file mappings (a child has them too), never a device's
      boolean file = fields.length == 6 && fields[5].startsWith("/") && !fields[5].startsWith("/dev/")
          && zygoteFiles.contains(fields[0] + " " + fields[5]);
      if (!written && !(file && fields[1].charAt(0) == 'r')) {
        continue;
      }
      int dash = fields[0].indexOf('-');
      long start = Long.parseUnsignedLong(fields[0].substring(0, dash), 16) >>> PAGE_SHIFT;
      long end = Long.parseUnsignedLong(fields[0].substring(dash + 1), 16) >>> PAGE_SHIFT;
      if (end > start && end - start < (1L << 26)) { // skips huge reservations (over 256 GB of address space)
        ranges.add(new long[] {start, end, written ? 1 : 0});
      }
    }
    return ranges;
  }

  private static long[] flags(FileChannel pagemap, long first, long end) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact((end - first) * 8)).order(ByteOrder.nativeOrder());
    long position = first * 8;
    while (buffer.hasRemaining()) {
      int n = pagemap.read(buffer, position + buffer.position());
      if (n <= 0) {
        break;
      }
    }
    buffer.flip();
    long[] out = new long[buffer.remaining() / 8];
    buffer.asLongBuffer().get(out);
    return out;
  }
}
