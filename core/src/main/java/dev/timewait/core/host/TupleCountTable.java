package dev.timewait.core.host;

/**
 * An open-addressing hash table from a fixed-width tuple of ints to two long counters. It lets the
 * table scan group 100k sockets without an object per socket: keys are copied into one int array.
 */
final class TupleCountTable {

  private final int width;
  private int capacity;
  private int[] keys;
  private long[] counts;
  private boolean[] used;
  private int size;

  TupleCountTable(int width, int initialCapacity) {
    this.width = width;
    this.capacity = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
    this.keys = new int[capacity * width];
    this.counts = new long[capacity * 2];
    this.used = new boolean[capacity];
  }

  /** Adds to the two counters of {@code key}, creating it at zero when new. */
  void add(int[] key, long first, long second) {
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
    counts[slot * 2] += first;
    counts[slot * 2 + 1] += second;
  }

  int size() {
    return size;
  }

  /** Visits every entry; {@code key} is a reused array. */
  void forEach(Visitor visitor) {
    int[] key = new int[width];
    for (int slot = 0; slot < capacity; slot++) {
      if (used[slot]) {
        System.arraycopy(keys, slot * width, key, 0, width);
        visitor.visit(key, counts[slot * 2], counts[slot * 2 + 1]);
      }
    }
  }

  interface Visitor {
    void visit(int[] key, long first, long second);
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
    counts = new long[capacity * 2];
    used = new boolean[capacity];
    int[] key = new int[width];
    for (int slot = 0; slot < oldCapacity; slot++) {
      if (oldUsed[slot]) {
        System.arraycopy(oldKeys, slot * width, key, 0, width);
        int target = find(key);
        used[target] = true;
        System.arraycopy(key, 0, keys, target * width, width);
        counts[target * 2] = oldCounts[slot * 2];
        counts[target * 2 + 1] = oldCounts[slot * 2 + 1];
      }
    }
  }
}
