package dev.timewait.core.host;

/**
 * TIME_WAIT sockets this host holds as a client, grouped by the tuple that limits {@code
 * connect()}: (local IP, remote IP, remote port).
 *
 * @param localIp local address
 * @param remoteIp remote address
 * @param remotePort remote port
 * @param timeWait sockets of this group in TIME_WAIT
 * @param portsInUse sockets of this group in any state whose local port lies in the ephemeral range
 *     (all sockets of the group when the range is unknown)
 * @param usablePorts usable ephemeral ports (range minus reserved), or null when unknown
 */
public record ClientTimeWaitGroup(
    String localIp,
    String remoteIp,
    int remotePort,
    long timeWait,
    long portsInUse,
    Integer usablePorts) {

  /**
   * Share of the usable ephemeral range in use for this destination, 0..1, or null when unknown.
   */
  public Double shareOfUsablePorts() {
    return usablePorts == null || usablePorts == 0 ? null : (double) portsInUse / usablePorts;
  }
}
