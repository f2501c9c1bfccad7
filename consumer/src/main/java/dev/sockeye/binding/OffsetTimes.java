package dev.sockeye.binding;

/**
 * Offsets and timestamps of one partition's polled records, in offset order, as two primitive rings:
 * appending costs no allocation per record. Owned by the poll thread, through {@link LagProbe}.
 */
final class OffsetTimes {
  private long[] offsets = new long[64];
  private long[] timestamps = new long[64];
  private int head; // index of the first entry
  private int size;

  void add(long offset, long timestamp) {
    if (size == offsets.length) {
      grow();
    }
    int i = (head + size) % offsets.length;
    offsets[i] = offset;
    timestamps[i] = timestamp;
    size++;
  }

  /** Forgets records before {@code offset}: they are committed. */
  void dropBelow(long offset) {
    while (size > 0 && offsets[head] < offset) {
      head = (head + 1) % offsets.length;
      size--;
    }
  }

  boolean isEmpty() {
    return size == 0;
  }

  long firstOffset() {
    return offsets[head];
  }

  long firstTimestamp() {
    return timestamps[head];
  }

  int size() {
    return size;
  }

  private void grow() {
    long[] o = new long[offsets.length * 2];
    long[] t = new long[offsets.length * 2];
    for (int k = 0; k < size; k++) {
      o[k] = offsets[(head + k) % offsets.length];
      t[k] = timestamps[(head + k) % offsets.length];
    }
    offsets = o;
    timestamps = t;
    head = 0;
  }
}
