package dev.timewait.core.host;

/**
 * TIME_WAIT sockets this host holds as a client, grouped by the tuple that limits {@code
 * connect()}: (local IP, remote IP, remote port).
 *
 * <p>The remaining timer of a TIME_WAIT row tells its age (TIME_WAIT lasts 60 s), and the age tells
 * whether {@code connect()} may take the row's 4-tuple over when {@code tcp_tw_reuse} applies to
 * the destination ({@link #reusableTimeWait()}), and how many connections ended lately ({@link
 * #recentTimeWait()}, a rate without a second sample).
 *
 * @param localIp local address
 * @param remoteIp remote address
 * @param remotePort remote port
 * @param timeWait sockets of this group in TIME_WAIT
 * @param portsInUse sockets of this group in any state whose local port lies in the ephemeral range
 *     (all sockets of the group when the range is unknown)
 * @param usablePorts usable ephemeral ports (range minus reserved), or null when unknown
 * @param reusableTimeWait TIME_WAIT sockets old enough for {@code tcp_tw_reuse} to take over (at
 *     least {@link ConnectionTable#reuseAfterMillis()} in TIME_WAIT), or null when the table gives
 *     no timers
 * @param recentTimeWait TIME_WAIT sockets that entered TIME_WAIT within the last {@link
 *     #RECENT_SECONDS} s, or null when the table gives no timers
 * @param oldestAgeMillis how long the oldest TIME_WAIT socket of the group has been in TIME_WAIT,
 *     or null when the table gives no timers
 */
public record ClientTimeWaitGroup(
    String localIp,
    String remoteIp,
    int remotePort,
    long timeWait,
    long portsInUse,
    Integer usablePorts,
    Long reusableTimeWait,
    Long recentTimeWait,
    Long oldestAgeMillis) {

  /** The window of {@link #recentTimeWait()}. */
  public static final int RECENT_SECONDS = 10;

  /** A group without timer information (a platform that does not give TIME_WAIT timers). */
  public ClientTimeWaitGroup(
      String localIp,
      String remoteIp,
      int remotePort,
      long timeWait,
      long portsInUse,
      Integer usablePorts) {
    this(localIp, remoteIp, remotePort, timeWait, portsInUse, usablePorts, null, null, null);
  }

  /**
   * Share of the usable ephemeral range in use for this destination, 0..1, or null when unknown.
   */
  public Double shareOfUsablePorts() {
    return usablePorts == null || usablePorts == 0 ? null : (double) portsInUse / usablePorts;
  }

  /** Sockets of the group in a state other than TIME_WAIT (they hold their port in any case). */
  public long otherStates() {
    return Math.max(0, portsInUse - timeWait);
  }
}
