package dev.timewait.core.rules;

import dev.timewait.core.host.IpAddresses;

/**
 * An {@code ip:port} as the agent writes it ({@code [v6]:port} for IPv6).
 *
 * @param ip canonical address text
 * @param port the port
 */
record Endpoint(String ip, int port) {

  /** Parses {@code ip:port}, or returns null for anything else (e.g. {@code (other endpoints)}). */
  static Endpoint parse(String text) {
    if (text == null) {
      return null;
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return null;
    }
    String ip = IpAddresses.canonical(text.substring(0, colon));
    if (ip == null) {
      return null;
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port >= 0 && port <= 65535 ? new Endpoint(ip, port) : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return IpAddresses.withPort(ip, port);
  }
}
