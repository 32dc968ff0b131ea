package dev.timewait.core.host;

/**
 * An open-addressing hash table from a fixed-width tuple of ints to a few long counters. It lets
 * the table scan group 100k sockets without an object per socket: keys are copied into one int
 * array, counters into one long array.
 */
final class TupleCountTable {

  private final int width;
  private final int counters;
  private int capacity;
  private int[] keys;
  private long[] counts;
  private boolean[] used;
  private int size;

  /** A table of two counters per key. */
  TupleCountTable(int width, int initialCapacity) {
    this(width, 2, initialCapacity);
  }

  TupleCountTable(int width, int counters, int initialCapacity) {
    this.width = width;
    this.counters = counters;
    this.capacity = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
    this.keys = new int[capacity * width];
    this.counts = new long[capacity * counters];
    this.used = new boolean[capacity];
  }

  /** Adds to the first two counters of {@code key}, creating it at zero when new. */
  void add(int[] key, long first, long second) {
    int slot = slot(key);
    counts[slot * counters] += first;
    counts[slot * counters + 1] += second;
  }

  /**
   * The slot of {@code key}, created with all counters at zero when new. Valid until the next call
   * of this method (the table may grow).
   */
  int slot(int[] key) {
    int slot = find(key);
    if (!used[slot]) {
      if ((size + 1) * 4 > capacity * 3) {
        grow();
        slot = find(key);
      }
      used[slot] = true;
      System.arraycopy(key, 0, keys, slot * width, width);
      size++;
    }
    return slot;
  }

  /** Counter {@code index} of the key at {@code slot}. */
  long get(int slot, int index) {
    return counts[slot * counters + index];
  }

  /** Sets counter {@code index} of the key at {@code slot}. */
  void set(int slot, int index, long value) {
    counts[slot * counters + index] = value;
  }

  /** Adds to counter {@code index} of the key at {@code slot}. */
  void add(int slot, int index, long delta) {
    counts[slot * counters + index] += delta;
  }

  /** Counter {@code index} of {@code key}, or 0 when the key is absent. */
  long lookup(int[] key, int index) {
    int slot = find(key);
    return used[slot] ? counts[slot * counters + index] : 0;
  }

  int size() {
    return size;
  }

  /** Visits every entry with its first two counters; {@code key} is a reused array. */
  void forEach(Visitor visitor) {
    int[] key = new int[width];
    for (int slot = 0; slot < capacity; slot++) {
      if (used[slot]) {
        System.arraycopy(keys, slot * width, key, 0, width);
        visitor.visit(key, counts[slot * counters], counts[slot * counters + 1]);
      }
    }
  }

  /** Visits every entry with all its counters; both arrays are reused. */
  void forEachEntry(EntryVisitor visitor) {
    int[] key = new int[width];
    long[] values = new long[counters];
    for (int slot = 0; slot < capacity; slot++) {
      if (used[slot]) {
        System.arraycopy(keys, slot * width, key, 0, width);
        System.arraycopy(counts, slot * counters, values, 0, counters);
        visitor.visit(key, values);
      }
    }
  }

  interface Visitor {
    void visit(int[] key, long first, long second);
  }

  interface EntryVisitor {
    void visit(int[] key, long[] counters);
  }

  private int find(int[] key) {
    int hash = 1;
    for (int i = 0; i < width; i++) {
      hash = 31 * hash + key[i];
    }
    hash ^= hash >>> 16;
    int mask = capacity - 1;
    int slot = (hash * 0x9E3779B9) >>> 1 & mask;
    while (used[slot] && !sameKey(slot, key)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private boolean sameKey(int slot, int[] key) {
    int base = slot * width;
    for (int i = 0; i < width; i++) {
      if (keys[base + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    int[] oldKeys = keys;
    long[] oldCounts = counts;
    boolean[] oldUsed = used;
    int oldCapacity = capacity;
    capacity *= 2;
    keys = new int[capacity * width];
    counts = new long[capacity * counters];
    used = new boolean[capacity];
    int[] key = new int[width];
    for (int slot = 0; slot < oldCapacity; slot++) {
      if (oldUsed[slot]) {
        System.arraycopy(oldKeys, slot * width, key, 0, width);
        int target = find(key);
        used[target] = true;
        System.arraycopy(key, 0, keys, target * width, width);
        System.arraycopy(oldCounts, slot * counters, counts, target * counters, counters);
      }
    }
  }
}
