package dev.timewait.core.host;

/**
 * What the conntrack table ({@code /proc/net/nf_conntrack}) held when read: how many of its entries
 * translate addresses, and how many are TCP entries in conntrack's own TIME_WAIT (which lasts
 * {@code nf_conntrack_tcp_timeout_time_wait}, 120 s by default, longer than the host's 60 s).
 *
 * @param read entries read (at most the collector's bound, see {@code truncated})
 * @param translated entries whose reply tuple is not the original tuple reversed: NAT
 * @param tcpTimeWait TCP entries in TIME_WAIT
 * @param truncated whether the table held more entries than were read
 * @param example one translated entry as {@code src:port -> dst:port as src':port'}, or null
 */
public record ConntrackEntries(
    long read, long translated, long tcpTimeWait, boolean truncated, String example) {}
