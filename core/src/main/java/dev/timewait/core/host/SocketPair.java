package dev.timewait.core.host;

/**
 * A TCP 4-tuple. Addresses are in canonical text form: dotted IPv4 (IPv4-mapped IPv6 addresses are
 * shown as IPv4), IPv6 compressed lower case without brackets (RFC 5952), so equal tuples are equal
 * records whatever their source.
 *
 * @param localIp local address
 * @param localPort local port
 * @param remoteIp remote address
 * @param remotePort remote port
 */
public record SocketPair(String localIp, int localPort, String remoteIp, int remotePort) {

  /**
   * The 4-tuple of {@code ip:port} texts as the snapshot writes them ({@code [v6]:port} for IPv6),
   * or null when either does not parse.
   */
  public static SocketPair parse(String local, String remote) {
    return Endpoints.pair(local, remote);
  }

  /** The local end as {@code ip:port}. */
  public String local() {
    return IpAddresses.withPort(localIp, localPort);
  }

  /** The remote end as {@code ip:port}. */
  public String remote() {
    return IpAddresses.withPort(remoteIp, remotePort);
  }

  @Override
  public String toString() {
    return IpAddresses.withPort(localIp, localPort)
        + " -> "
        + IpAddresses.withPort(remoteIp, remotePort);
  }
}
