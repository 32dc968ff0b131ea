package dev.timewait.core.host;

/**
 * Kernel counters about TIME_WAIT. Current values ({@code sockstatTw}, {@code sockstatInUse}) are
 * gauges; all others are counters since boot. Null means unknown or not present on this kernel.
 *
 * @param sockstatTw {@code /proc/net/sockstat} {@code TCP: tw}: sockets in TIME_WAIT now
 * @param sockstatInUse {@code /proc/net/sockstat} {@code TCP: inuse}
 * @param twEntered TcpExt {@code TW}: sockets that entered TIME_WAIT (counted at entry since about
 *     5.18)
 * @param twKilled TcpExt {@code TWKilled}
 * @param twRecycled TcpExt {@code TWRecycled}: TIME_WAIT 4-tuples reused by {@code connect()}
 * @param pawsActive TcpExt {@code PAWSActive}
 * @param pawsEstab TcpExt {@code PAWSEstab}
 * @param pawsPassive TcpExt {@code PAWSPassive} (kernels before 4.12)
 * @param pawsTimewait TcpExt {@code PAWSTimewait} (6.16 and later)
 * @param pawsOldAck TcpExt {@code PAWSOldAck} (6.14 and later)
 * @param timeWaitOverflow TcpExt {@code TCPTimeWaitOverflow}: closes that skipped TIME_WAIT because
 *     {@code tcp_max_tw_buckets} was reached
 * @param abortOnData TcpExt {@code TCPAbortOnData}
 * @param abortOnClose TcpExt {@code TCPAbortOnClose}
 * @param activeOpens Tcp {@code ActiveOpens}
 * @param passiveOpens Tcp {@code PassiveOpens}
 * @param conntrackInsertFailed conntrack {@code insert_failed}, summed over CPUs
 * @param outRsts Tcp {@code OutRsts}: resets sent, whatever the reason (among them an orphaned
 *     socket's answer to data that came after its FIN, which no TcpExt counter counts once the
 *     socket is a FIN_WAIT2 mini-socket)
 */
public record TcpCounters(
    Long sockstatTw,
    Long sockstatInUse,
    Long twEntered,
    Long twKilled,
    Long twRecycled,
    Long pawsActive,
    Long pawsEstab,
    Long pawsPassive,
    Long pawsTimewait,
    Long pawsOldAck,
    Long timeWaitOverflow,
    Long abortOnData,
    Long abortOnClose,
    Long activeOpens,
    Long passiveOpens,
    Long conntrackInsertFailed,
    Long outRsts) {

  /** Counters of which nothing is known. */
  public static TcpCounters unknown() {
    return new TcpCounters(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }
}
