package dev.timewait.core.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timewait.core.host.linux.LinuxProcCollector;

/**
 * Live TIME_WAIT tests are meaningful only while the kernel keeps every TIME_WAIT socket: past
 * {@code tcp_max_tw_buckets} it closes sockets without TIME_WAIT ({@code TCPTimeWaitOverflow}), and
 * with {@code tcp_tw_reuse} a {@code connect()} may take over a TIME_WAIT 4-tuple older than a
 * second ({@code TWRecycled}). Heavy load elsewhere on the host causes either; a test then aborts
 * with that reason instead of failing on sockets the kernel did not keep.
 */
public final class TimeWaitOverflowGuard {
  private final long[] before = countersNow();

  /** Starts watching the counters. */
  public static TimeWaitOverflowGuard start() {
    return new TimeWaitOverflowGuard();
  }

  /**
   * Aborts the test when the kernel dropped or reused a TIME_WAIT socket since {@link #start()}.
   */
  public void assumeTableHadRoom() {
    long[] after = countersNow();
    assumeTrue(
        after[0] == before[0] && after[1] == before[1],
        "the kernel did not keep every TIME_WAIT socket during the test (TCPTimeWaitOverflow +"
            + (after[0] - before[0])
            + ", TWRecycled +"
            + (after[1] - before[1])
            + ": other load on the host)");
  }

  private static long[] countersNow() {
    TcpCounters counters = new LinuxProcCollector().sampleCounters().counters();
    return new long[] {orZero(counters.timeWaitOverflow()), orZero(counters.twRecycled())};
  }

  private static long orZero(Long value) {
    return value == null ? 0 : value;
  }
}
