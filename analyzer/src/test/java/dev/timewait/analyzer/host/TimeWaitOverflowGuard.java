package dev.timewait.analyzer.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Live TIME_WAIT tests are meaningful only while the host's TIME_WAIT table has room: past {@code
 * tcp_max_tw_buckets} the kernel closes sockets without TIME_WAIT and counts {@code
 * TCPTimeWaitOverflow}. Other load on the host can fill it; a test then aborts with that reason
 * instead of failing on data the kernel never kept.
 */
public final class TimeWaitOverflowGuard {
  private final long before = overflowNow();

  /** Starts watching the counter. */
  public static TimeWaitOverflowGuard start() {
    return new TimeWaitOverflowGuard();
  }

  /** Aborts the test when the kernel skipped TIME_WAIT for some socket since {@link #start()}. */
  public void assumeTableHadRoom() {
    long after = overflowNow();
    assumeTrue(
        after == before,
        "the host's TIME_WAIT table overflowed during the test (TCPTimeWaitOverflow +"
            + (after - before)
            + ", other load on the host): the kernel kept no TIME_WAIT for some sockets");
  }

  private static long overflowNow() {
    Long overflow = new LinuxProcCollector().sampleCounters().counters().timeWaitOverflow();
    return overflow == null ? 0 : overflow;
  }
}
