package dev.timewait.testing;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;

/**
 * A TCP 4-tuple with addresses in canonical text: dotted IPv4 (an IPv4-mapped IPv6 address shown as
 * IPv4), other IPv6 compressed and in lower case (RFC 5952), without brackets. That is the form
 * core's {@code IpAddresses} writes, so a test converts to core's {@code SocketPair} field by
 * field; it is computed here on its own, so that the oracle shares no code with what it checks.
 *
 * @param localIp local address
 * @param localPort local port
 * @param remoteIp remote address
 * @param remotePort remote port
 */
public record Tuple(String localIp, int localPort, String remoteIp, int remotePort) {

  /** The 4-tuple of a connected socket, from its own side. */
  public static Tuple of(Socket socket) {
    return new Tuple(
        ip(socket.getLocalAddress()),
        socket.getLocalPort(),
        ip(socket.getInetAddress()),
        socket.getPort());
  }

  /** The 4-tuple of two socket addresses, {@code local} first. */
  public static Tuple of(InetSocketAddress local, InetSocketAddress remote) {
    return new Tuple(
        ip(local.getAddress()), local.getPort(), ip(remote.getAddress()), remote.getPort());
  }

  /**
   * The 4-tuple of two {@code ip:port} texts ({@code [v6]:port} for IPv6, any spelling of the
   * address), as snapshots and child JVMs print them.
   *
   * @throws IllegalArgumentException when either is not an IP literal with a port
   */
  public static Tuple parse(String local, String remote) {
    int l = local.lastIndexOf(':');
    int r = remote.lastIndexOf(':');
    if (l < 0 || r < 0) {
      throw new IllegalArgumentException("not ip:port: " + local + " " + remote);
    }
    return new Tuple(
        ip(local.substring(0, l)),
        Integer.parseInt(local.substring(l + 1)),
        ip(remote.substring(0, r)),
        Integer.parseInt(remote.substring(r + 1)));
  }

  /** The same connection seen from the other end. */
  public Tuple reversed() {
    return new Tuple(remoteIp, remotePort, localIp, localPort);
  }

  /** Whether either end uses {@code port}. */
  public boolean hasPort(int port) {
    return localPort == port || remotePort == port;
  }

  /** The local end as {@code ip:port}, IPv6 in brackets. */
  public String local() {
    return endpoint(localIp, localPort);
  }

  /** The remote end as {@code ip:port}, IPv6 in brackets. */
  public String remote() {
    return endpoint(remoteIp, remotePort);
  }

  @Override
  public String toString() {
    return local() + " " + remote();
  }

  /** The canonical text of an address. */
  public static String ip(InetAddress address) {
    if (address instanceof Inet4Address) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    boolean mapped = true;
    for (int i = 0; i < 12; i++) {
      mapped &= bytes[i] == (i < 10 ? 0 : (byte) 0xff);
    }
    if (mapped) {
      return (bytes[12] & 0xff)
          + "."
          + (bytes[13] & 0xff)
          + "."
          + (bytes[14] & 0xff)
          + "."
          + (bytes[15] & 0xff);
    }
    return compressed(address.getHostAddress());
  }

  /**
   * The canonical text of an address literal ({@code 10.0.0.1}, {@code ::1}, {@code [::1]}, {@code
   * 0:0:0:0:0:0:0:1}, {@code ::ffff:10.0.0.1}); never resolves a host name.
   *
   * @throws IllegalArgumentException when the text is not an IP literal
   */
  public static String ip(String literal) {
    String text = literal.strip();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    boolean literalChars = !text.isEmpty();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      literalChars &= c == '.' || c == ':' || c == '%' || Character.digit(c, 16) >= 0;
    }
    if (!literalChars || (text.indexOf(':') < 0 && text.split("\\.", -1).length != 4)) {
      throw new IllegalArgumentException("not an IP literal: " + literal);
    }
    try {
      return ip(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: " + literal, e);
    }
  }

  /**
   * RFC 5952 text of Java's eight-group form ({@code 2001:db8:0:0:0:0:0:1}, no leading zeros, lower
   * case): the longest run of two or more zero groups, the first of equal ones, becomes {@code ::}.
   */
  private static String compressed(String full) {
    int zone = full.indexOf('%');
    String[] groups = (zone < 0 ? full : full.substring(0, zone)).split(":");
    int runStart = -1;
    int runLength = 1;
    for (int start = 0; start < groups.length; start++) {
      int length = 0;
      while (start + length < groups.length && groups[start + length].equals("0")) {
        length++;
      }
      if (length > runLength) {
        runStart = start;
        runLength = length;
      }
    }
    if (runStart < 0) {
      return String.join(":", groups);
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, runStart));
    String tail =
        String.join(":", java.util.Arrays.copyOfRange(groups, runStart + runLength, groups.length));
    return head + "::" + tail;
  }

  private static String endpoint(String ip, int port) {
    return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
  }
}
