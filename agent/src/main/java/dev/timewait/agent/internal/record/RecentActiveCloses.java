package dev.timewait.agent.internal.record;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The active closes of the last 60 seconds as 4-tuples, to be matched against the kernel's
 * TIME_WAIT table. A ring of primitive slots: one write per active close, no lock; a slot
 * overwritten while still younger than the window is counted as overflow.
 */
final class RecentActiveCloses {
  /** Linux keeps TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN). */
  static final long WINDOW_MILLIS = 60_000;

  private static final VarHandle STAMPS = MethodHandles.arrayElementVarHandle(long[].class);

  private final int mask;
  private final long[] stamps;
  private final long[] at;
  private final long[] ports;
  private final InetAddress[] localAddress;
  private final InetAddress[] remoteAddress;
  private final SiteCounters[] site;
  private final AtomicLong next = new AtomicLong();
  private final LongAdder overflow = new LongAdder();

  RecentActiveCloses(int capacity) {
    int size = capacity <= 16 ? 16 : Integer.highestOneBit(capacity - 1) << 1;
    mask = size - 1;
    stamps = new long[size];
    at = new long[size];
    ports = new long[size];
    localAddress = new InetAddress[size];
    remoteAddress = new InetAddress[size];
    site = new SiteCounters[size];
  }

  void add(
      InetAddress local,
      int localPort,
      InetAddress remote,
      int remotePort,
      SiteCounters row,
      long now) {
    long seq = next.getAndIncrement() + 1;
    int i = (int) (seq & mask);
    if ((long) STAMPS.getAcquire(stamps, i) != 0 && now - at[i] < WINDOW_MILLIS) {
      overflow.increment();
    }
    STAMPS.setRelease(stamps, i, -seq);
    at[i] = now;
    ports[i] = ((long) localPort << 32) | (remotePort & 0xffffffffL);
    localAddress[i] = local;
    remoteAddress[i] = remote;
    site[i] = row;
    STAMPS.setRelease(stamps, i, seq);
  }

  long overflow() {
    return overflow.sum();
  }

  /** The entries younger than the window, oldest first. */
  List<Entry> within(long now) {
    List<Entry> out = new ArrayList<>();
    long last = next.get();
    long first = Math.max(1, last - mask);
    for (long seq = first; seq <= last; seq++) {
      int i = (int) (seq & mask);
      if ((long) STAMPS.getAcquire(stamps, i) != seq) {
        continue;
      }
      Entry e =
          new Entry(
              localAddress[i],
              (int) (ports[i] >>> 32),
              remoteAddress[i],
              (int) ports[i],
              at[i],
              site[i]);
      if ((long) STAMPS.getAcquire(stamps, i) == seq && now - e.at < WINDOW_MILLIS) {
        out.add(e);
      }
    }
    return out;
  }

  /** One recorded active close. */
  static final class Entry {
    final InetAddress local;
    final int localPort;
    final InetAddress remote;
    final int remotePort;
    final long at;
    final SiteCounters site;

    Entry(
        InetAddress local,
        int localPort,
        InetAddress remote,
        int remotePort,
        long at,
        SiteCounters s) {
      this.local = local;
      this.localPort = localPort;
      this.remote = remote;
      this.remotePort = remotePort;
      this.at = at;
      this.site = s;
    }
  }
}
