package dev.timewait.agent.internal.background;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpCounters;
import dev.timewait.core.snapshot.RecentClose;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Finds the active closes that the kernel reset after their FIN. A close is judged when its FIN
 * leaves; if the peer's data arrives after that (a gRPC peer's last frames, a server still
 * writing), the kernel answers the orphaned socket with a reset and it never reaches TIME_WAIT.
 * Every reset the kernel sends counts in Tcp {@code OutRsts} (TcpExt {@code TCPAbortOnData} misses
 * those of orphans already turned into FIN_WAIT2 mini-sockets, the common case on a fast network).
 * When that counter has grown since the last look, the recent active closes that a complete table
 * read no longer holds in any state are counted abortive.
 *
 * <p>Not judged: closes older than {@link #WITHIN_MILLIS} or than {@code tcp_fin_timeout} (their
 * TIME_WAIT, or a FIN_WAIT2 whose peer never closed, may have ended), closes made before TcpExt
 * {@code TCPTimeWaitOverflow} last grew (the kernel then skips TIME_WAIT, which looks the same),
 * and any close when the counters or the table cannot be read whole.
 */
final class LateResets {
  /** Younger than TIME_WAIT's 60 s, with room for the timers' slack. */
  static final long WITHIN_MILLIS = 55_000;

  /** Room left below {@code tcp_fin_timeout}, which ends an orphaned FIN_WAIT2. */
  static final long FIN_TIMEOUT_SLACK_MILLIS = 2_000;

  private Long resetsSeen;
  private Long overflowSeen;
  private long judgeFrom = Long.MIN_VALUE;

  /**
   * Whether the kernel has reset a closed socket since the last look; at the first look, whether it
   * ever has in this network namespace.
   */
  boolean due(TcpCounters counters) {
    Long resets = counters == null ? null : counters.outRsts();
    return resets != null && resets > (resetsSeen == null ? 0 : resetsSeen);
  }

  /**
   * Looks at the closes of {@code recent}, watched in {@code table}, which was read after {@code
   * counters} (taken at {@code countedAt}); returns how many were counted abortive.
   *
   * @param finTimeoutSeconds {@code tcp_fin_timeout}, or null when unknown (60 s)
   */
  int judge(
      CloseRecorder recorder,
      List<RecentClose> recent,
      ConnectionTable table,
      TcpCounters counters,
      long countedAt,
      Long finTimeoutSeconds) {
    Long resets = counters == null ? null : counters.outRsts();
    Long overflow = counters == null ? null : counters.timeWaitOverflow();
    boolean due = due(counters);
    boolean overflowed = overflow == null || overflow > (overflowSeen == null ? 0 : overflowSeen);
    if (overflowed) {
      judgeFrom = countedAt; // closes up to here may have lost TIME_WAIT to the overflow
    }
    resetsSeen = resets;
    overflowSeen = overflow;
    if (!due || overflowed || table == null || !table.complete() || recent.isEmpty()) {
      return 0;
    }
    Set<SocketPair> watched = new HashSet<>();
    for (RecentClose close : recent) {
      if (close.at() != null && close.at().toEpochMilli() > judgeFrom) {
        watched.add(close.pair());
      }
    }
    return recorder.resetAfterFin(
        pair -> watched.contains(pair) && !table.holds(pair), countedAt, window(finTimeoutSeconds));
  }

  /** How old a close may be to be judged. */
  static long window(Long finTimeoutSeconds) {
    if (finTimeoutSeconds == null) {
      return WITHIN_MILLIS;
    }
    return Math.max(
        0, Math.min(WITHIN_MILLIS, finTimeoutSeconds * 1000 - FIN_TIMEOUT_SLACK_MILLIS));
  }
}
