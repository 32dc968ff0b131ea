package dev.timewait.examples;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Writes socket addresses the way timewait reports do: {@code 127.0.0.1:8080}, {@code [::1]:8080}.
 */
public final class SocketAddresses {
  private SocketAddresses() {}

  /** {@code ip:port}, with IPv6 addresses compressed (RFC 5952) and in brackets. */
  public static String format(InetSocketAddress address) {
    return formatHost(address.getAddress()) + ":" + address.getPort();
  }

  /** The address as it goes into a URI authority or a Host header. */
  public static String formatHost(InetAddress address) {
    if (address instanceof Inet6Address) {
      return "[" + compress(address.getAddress()) + "]";
    }
    return address.getHostAddress();
  }

  private static String compress(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // RFC 5952: the longest run of two or more zero groups (the first one on a tie) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
