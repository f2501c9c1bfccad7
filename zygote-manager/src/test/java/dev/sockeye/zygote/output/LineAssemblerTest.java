package dev.sockeye.zygote.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineAssemblerTest {
  private final List<String> lines = new ArrayList<>();
  private final LineAssembler.Emit emit =
      (bytes, length, cut) -> lines.add(new String(bytes, 0, length, StandardCharsets.US_ASCII) + (cut ? "+" : ""));

  private void feed(LineAssembler a, String... chunks) {
    for (String c : chunks) {
      byte[] b = c.getBytes(StandardCharsets.US_ASCII);
      a.feed(b, 0, b.length, emit);
    }
  }

  @Test
  void linesSplitAcrossChunksAreJoined() {
    LineAssembler a = new LineAssembler(8);
    feed(a, "ab", "c\nde", "f\n\n");
    assertEquals(List.of("abc", "def", ""), lines);
  }

  @Test
  void aLongLineIsCutIntoPiecesOfTheCapMarkedAsContinuing() {
    LineAssembler a = new LineAssembler(4);
    feed(a, "abcdefghij\n");
    assertEquals(List.of("abcd+", "efgh+", "ij"), lines);
  }

  @Test
  void aLineOfExactlyTheCapIsNotMarkedCut() {
    LineAssembler a = new LineAssembler(4);
    feed(a, "abcd", "\nxy");
    a.flush(emit);
    assertEquals(List.of("abcd", "xy"), lines);
  }

  @Test
  void megabytesWithoutANewlineNeverHoldMoreThanTheCap() {
    LineAssembler a = new LineAssembler(16);
    byte[] chunk = new byte[1 << 20];
    java.util.Arrays.fill(chunk, (byte) 'x');
    a.feed(chunk, 0, chunk.length, (bytes, length, cut) -> {
      assertEquals(16, bytes.length);
      lines.add(cut ? "+" : "-");
    });
    assertEquals((1 << 20) / 16 - 1, lines.size(), "every full piece but the last (still open) is emitted");
  }
}
