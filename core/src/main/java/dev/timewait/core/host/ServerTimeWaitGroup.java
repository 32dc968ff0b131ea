package dev.timewait.core.host;

/**
 * TIME_WAIT sockets this host holds as a server, per local port: the port is listening on this
 * host, or nothing listens on it any more (a restart, the end of a test) and the rows still show
 * the server side: a local port outside the ephemeral range, or one local endpoint shared by many
 * TIME_WAIT rows to different client ports.
 *
 * @param localPort the server's port
 * @param timeWait sockets in TIME_WAIT on that port
 * @param distinctRemoteIps remote addresses among them (few addresses with many sockets hint at NAT
 *     or a proxy in front)
 * @param listening whether a socket listens on the port now
 */
public record ServerTimeWaitGroup(
    int localPort, long timeWait, int distinctRemoteIps, boolean listening) {

  /** A group on a listening port. */
  public ServerTimeWaitGroup(int localPort, long timeWait, int distinctRemoteIps) {
    this(localPort, timeWait, distinctRemoteIps, true);
  }
}
