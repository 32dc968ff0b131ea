package dev.timewait.core.host;

/** Reads the agent's {@code ip:port} and {@code [v6]:port} endpoint strings. */
final class Endpoints {

  private Endpoints() {}

  /** The 4-tuple of a close, or null when either endpoint does not parse. */
  static SocketPair pair(String local, String remote) {
    int localPort = port(local);
    int remotePort = port(remote);
    if (localPort < 0 || remotePort < 0) {
      return null;
    }
    String localIp = ip(local);
    String remoteIp = ip(remote);
    if (localIp == null || remoteIp == null) {
      return null;
    }
    return new SocketPair(localIp, localPort, remoteIp, remotePort);
  }

  private static int port(String endpoint) {
    if (endpoint == null) {
      return -1;
    }
    int colon = endpoint.lastIndexOf(':');
    if (colon < 0 || colon == endpoint.length() - 1) {
      return -1;
    }
    try {
      int port = Integer.parseInt(endpoint.substring(colon + 1).strip());
      return port >= 0 && port <= 65535 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String ip(String endpoint) {
    int colon = endpoint.lastIndexOf(':');
    String host = endpoint.substring(0, colon).strip();
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    if (!bracketed && host.indexOf(':') >= 0) {
      return null; // an unbracketed IPv6 address is ambiguous with its port
    }
    return IpAddresses.canonical(host);
  }
}
