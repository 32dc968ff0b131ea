package dev.timewait.agent.internal.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The active closes of the last 60 seconds as 4-tuples, to be matched against the kernel's
 * TIME_WAIT table. A ring of primitive slots: one write per active close, no lock. It takes no
 * memory before the first active close, starts at {@link #FIRST_SLOTS} slots and doubles when a
 * slot it would overwrite is still younger than the window, up to the configured capacity and at
 * most {@link #HEAP_SHARE} of the maximum heap. Past that, an entry overwritten while still in the
 * window is counted as overflow. {@link #release()} gives the memory back (the heap is short).
 *
 * <p>A ring replaced by a larger one stays readable until its entries have left the window, so that
 * writers still on it lose nothing; every entry is either readable or counted in {@link
 * #overflow()}.
 */
final class RecentActiveCloses {
  /** Linux keeps TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN). */
  static final long WINDOW_MILLIS = 60_000;

  /** The first ring's size: 36 KB. */
  static final int FIRST_SLOTS = 1024;

  /** The share of the maximum heap the ring may take. */
  static final double HEAP_SHARE = 0.02;

  /**
   * Heap bytes per slot: three longs, an int and three compressed references. Without compressed
   * references (heaps of 32 GB and more) a slot takes 52, and the heap cap never binds there.
   */
  static final int SLOT_BYTES = 40;

  private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle RING;

  static {
    try {
      RING = MethodHandles.lookup().findVarHandle(RecentActiveCloses.class, "ring", Ring.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int limit;
  private volatile int ceiling;
  private volatile Ring ring;
  private final AtomicLong next = new AtomicLong();
  private final LongAdder overflow = new LongAdder();

  /** A ring of at most {@code capacity} slots, and at most 2 % of this JVM's maximum heap. */
  RecentActiveCloses(int capacity) {
    this(capacity, Runtime.getRuntime().maxMemory());
  }

  RecentActiveCloses(int capacity, long maxHeapBytes) {
    long byHeap = maxHeapBytes == Long.MAX_VALUE ? Long.MAX_VALUE : slotsFor(maxHeapBytes);
    limit = floorPowerOfTwo((int) Math.max(16, Math.min(capacity, byHeap)));
    ceiling = limit;
  }

  private static long slotsFor(long maxHeapBytes) {
    return (long) (maxHeapBytes * HEAP_SHARE) / SLOT_BYTES;
  }

  private static int floorPowerOfTwo(int n) {
    return Integer.highestOneBit(n);
  }

  void add(
      InetAddress local,
      int localPort,
      InetAddress remote,
      int remotePort,
      SiteCounters row,
      int weight,
      long now) {
    long seq = next.getAndIncrement() + 1;
    Ring r = ring;
    if (r == null) {
      r = first(now);
      if (r == null) {
        overflow.increment();
        return;
      }
    }
    int i;
    for (; ; ) {
      i = (int) (seq & r.mask);
      long old = (long) STAMPS.getAcquire(r.stamps, i);
      if (r.taken(old, i, now)) {
        Ring larger = grow(r, now);
        if (larger != null && larger != r) {
          r = larger;
          continue;
        }
        if (old < 0) {
          overflow.increment(); // another writer holds the slot: this entry is the one lost
          return;
        }
      }
      if (STAMPS.compareAndSet(r.stamps, i, old, -seq)) {
        if (old > 0 && now - r.at[i] < WINDOW_MILLIS) {
          overflow.increment(); // the entry overwritten was still in the window
        }
        break;
      }
      // another writer claimed the slot between the read and the claim: look again
    }
    r.at[i] = now;
    r.ports[i] = ((long) localPort << 32) | (remotePort & 0xffffffffL);
    r.localAddress[i] = local;
    r.remoteAddress[i] = remote;
    r.site[i] = row;
    r.weight[i] = weight;
    STAMPS.setRelease(r.stamps, i, seq);
  }

  /**
   * Takes {@code e} out of the ring, so that it is matched no more; false when it had already left
   * (overwritten, released or removed before), and then it must not be counted again.
   */
  boolean remove(Entry e) {
    return STAMPS.compareAndSet(e.ring.stamps, e.index, e.seq, 0L);
  }

  /** The first ring, made by whichever writer comes first. */
  private Ring first(long now) {
    Ring made = allocate(Math.min(FIRST_SLOTS, ceiling), null, now);
    if (made == null) {
      return null;
    }
    return RING.compareAndSet(this, (Ring) null, made) ? made : ring;
  }

  /** A ring twice the size of {@code full}, or null at the ceiling. */
  private Ring grow(Ring full, long now) {
    Ring current = ring;
    if (current != full) {
      return current; // another writer grew it, or it was released
    }
    if (full.size() >= ceiling) {
      return null;
    }
    Ring larger = allocate(full.size() * 2, full, now);
    if (larger == null) {
      return null;
    }
    return RING.compareAndSet(this, full, larger) ? larger : ring;
  }

  /** Null when the heap cannot give the memory: the agent then loses entries, not the app. */
  private static Ring allocate(int size, Ring older, long now) {
    try {
      return new Ring(size, older, now);
    } catch (OutOfMemoryError e) {
      return null;
    }
  }

  /**
   * Drops the ring and halves the ceiling it may grow back to (at least {@link #FIRST_SLOTS}): the
   * heap is short. The entries dropped that were still in the window count as overflow.
   */
  void release(long now) {
    Ring r = ring;
    if (r == null) {
      return;
    }
    ceiling = Math.max(Math.min(FIRST_SLOTS, limit), r.size() / 2);
    if (RING.compareAndSet(this, r, (Ring) null)) {
      long dropped = 0;
      for (Ring g = r; g != null; g = g.older) {
        dropped += g.countWithin(now); // counted in place: the heap is short
      }
      overflow.add(dropped);
    }
  }

  long overflow() {
    return overflow.sum();
  }

  /** Slots allocated now, in every ring still readable. */
  int slots() {
    int n = 0;
    for (Ring r = ring; r != null; r = r.older) {
      n += r.size();
    }
    return n;
  }

  /** The most slots the ring may grow to now. */
  int ceiling() {
    return ceiling;
  }

  /** The entries younger than the window, oldest first. */
  List<Entry> within(long now) {
    return within(ring, now);
  }

  private static List<Entry> within(Ring newest, long now) {
    List<Entry> out = new ArrayList<>();
    for (Ring r = newest; r != null; r = r.older) {
      r.collect(now, out);
      Ring older = r.older;
      if (older != null && now - r.since >= WINDOW_MILLIS) {
        r.older = null; // everything in it was written before r replaced it: out of the window
      }
    }
    out.sort(Comparator.comparingLong(e -> e.seq));
    return out;
  }

  /** One generation of slots. */
  private static final class Ring {
    final int mask;
    final long since;
    final long[] stamps;
    final long[] at;
    final long[] ports;
    final InetAddress[] localAddress;
    final InetAddress[] remoteAddress;
    final SiteCounters[] site;
    final int[] weight;
    volatile Ring older;

    Ring(int size, Ring older, long since) {
      this.mask = size - 1;
      this.since = since;
      this.older = older;
      stamps = new long[size];
      at = new long[size];
      ports = new long[size];
      localAddress = new InetAddress[size];
      remoteAddress = new InetAddress[size];
      site = new SiteCounters[size];
      weight = new int[size];
    }

    int size() {
      return mask + 1;
    }

    /** Whether the slot holds a write in progress, or an entry still in the window. */
    boolean taken(long stamp, int i, long now) {
      return stamp < 0 || (stamp > 0 && now - at[i] < WINDOW_MILLIS);
    }

    int countWithin(long now) {
      int n = 0;
      for (int i = 0; i <= mask; i++) {
        if ((long) STAMPS.getAcquire(stamps, i) > 0 && now - at[i] < WINDOW_MILLIS) {
          n++;
        }
      }
      return n;
    }

    void collect(long now, List<Entry> out) {
      for (int i = 0; i <= mask; i++) {
        long seq = (long) STAMPS.getAcquire(stamps, i);
        if (seq <= 0) {
          continue; // empty, or being written
        }
        Entry e =
            new Entry(
                this,
                i,
                seq,
                localAddress[i],
                (int) (ports[i] >>> 32),
                remoteAddress[i],
                (int) ports[i],
                at[i],
                site[i],
                weight[i]);
        if ((long) STAMPS.getAcquire(stamps, i) == seq && now - e.at < WINDOW_MILLIS) {
          out.add(e);
        }
      }
    }
  }

  /** One recorded active close. */
  static final class Entry {
    private final Ring ring;
    private final int index;
    final long seq;
    final InetAddress local;
    final int localPort;
    final InetAddress remote;
    final int remotePort;
    final long at;
    final SiteCounters site;
    final int weight;

    private Entry(
        Ring ring,
        int index,
        long seq,
        InetAddress local,
        int localPort,
        InetAddress remote,
        int remotePort,
        long at,
        SiteCounters s,
        int weight) {
      this.ring = ring;
      this.index = index;
      this.seq = seq;
      this.local = local;
      this.localPort = localPort;
      this.remote = remote;
      this.remotePort = remotePort;
      this.at = at;
      this.site = s;
      this.weight = weight;
    }
  }
}
