package dev.timewait.core.host;

/**
 * The sysctl values that decide how TIME_WAIT behaves. Null means unknown or, for settings that
 * only some kernels have ({@code tcp_tw_recycle} before 4.12, {@code tcp_tw_reuse_delay} from
 * 6.14), absent.
 *
 * @param tcpTwReuse {@code net.ipv4.tcp_tw_reuse}: 0 off, 1 on, 2 loopback only
 * @param tcpTwReuseDelayMs {@code net.ipv4.tcp_tw_reuse_delay} in milliseconds
 * @param tcpTwRecycle {@code net.ipv4.tcp_tw_recycle}
 * @param tcpTimestamps {@code net.ipv4.tcp_timestamps}
 * @param tcpFinTimeoutSeconds {@code net.ipv4.tcp_fin_timeout} (orphaned FIN_WAIT2 only)
 * @param tcpMaxTwBuckets {@code net.ipv4.tcp_max_tw_buckets}
 * @param ipLocalPortRange {@code net.ipv4.ip_local_port_range} with the reserved ports counted in
 * @param ipLocalReservedPorts {@code net.ipv4.ip_local_reserved_ports} as written by the kernel,
 *     {@code ""} when none are reserved
 * @param ipForward {@code net.ipv4.ip_forward}
 * @param nfConntrackCount {@code net.netfilter.nf_conntrack_count}
 * @param nfConntrackMax {@code net.netfilter.nf_conntrack_max}
 * @param nfConntrackTcpTimeoutTimeWaitSeconds {@code
 *     net.netfilter.nf_conntrack_tcp_timeout_time_wait}
 */
public record KernelSettings(
    Integer tcpTwReuse,
    Long tcpTwReuseDelayMs,
    Integer tcpTwRecycle,
    Integer tcpTimestamps,
    Long tcpFinTimeoutSeconds,
    Long tcpMaxTwBuckets,
    PortRange ipLocalPortRange,
    String ipLocalReservedPorts,
    Integer ipForward,
    Long nfConntrackCount,
    Long nfConntrackMax,
    Long nfConntrackTcpTimeoutTimeWaitSeconds) {

  /** Settings of which nothing is known. */
  public static KernelSettings unknown() {
    return new KernelSettings(
        null, null, null, null, null, null, null, null, null, null, null, null);
  }
}
