package dev.timewait.analyzer.host;

import java.util.Set;

/**
 * Samples a host. Implementations hold no static state, are safe to call from several threads and
 * never throw on odd or missing data: what they cannot read is reported in {@link
 * HostSample#unavailable()}.
 */
public interface HostCollector {

  /**
   * Settings, counters and NAT signals, without the connection table: cheap enough to run often.
   */
  HostSample sampleCounters();

  /** Everything, including the connection table. */
  default HostSample sampleTable() {
    return sampleTable(Set.of());
  }

  /**
   * Everything, including the connection table, and which of {@code watched} are in TIME_WAIT
   * ({@link ConnectionTable#watchedInTimeWait()}). Watching costs a set look-up per TIME_WAIT
   * socket.
   */
  HostSample sampleTable(Set<SocketPair> watched);
}
