package dev.sockeye.binding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  @Test
  void outOfOrderCompletionCommitsOnlyTheContiguousPrefix() {
    OffsetTracker t = new OffsetTracker();
    t.begin(10);
    t.begin(11);
    t.begin(12);
    assertEquals(OptionalLong.empty(), t.complete(12), "10 and 11 are still running");
    assertEquals(OptionalLong.empty(), t.complete(11));
    assertEquals(OptionalLong.of(13), t.complete(10), "all done: commit the next offset to read");
  }

  @Test
  void prefixAdvancesToTheOldestRecordStillRunning() {
    OffsetTracker t = new OffsetTracker();
    t.begin(0);
    t.begin(1);
    t.begin(2);
    assertEquals(OptionalLong.of(1), t.complete(0));
    t.begin(3);
    assertEquals(OptionalLong.empty(), t.complete(3));
    assertEquals(OptionalLong.of(2), t.complete(1));
    assertEquals(1, t.inFlight());
  }

  @Test
  void completingAnUnknownOffsetChangesNothing() {
    OffsetTracker t = new OffsetTracker();
    t.begin(5);
    assertEquals(OptionalLong.empty(), t.complete(4));
    assertEquals(1, t.inFlight());
  }

  @Test
  void gapsInTheLogAreNotWaitedFor() {
    OffsetTracker t = new OffsetTracker(); // compaction and transactions leave offset gaps
    t.begin(3);
    t.begin(7);
    assertEquals(OptionalLong.empty(), t.complete(7));
    assertEquals(OptionalLong.of(8), t.complete(3));
  }
}
