package dev.timewait.core.host;

/**
 * Canonical text for IP addresses, so that the kernel's hex words, OSHI's byte arrays and the
 * agent's strings compare equal: dotted IPv4, IPv4-mapped IPv6 as IPv4, other IPv6 in RFC 5952
 * form.
 */
public final class IpAddresses {

  private IpAddresses() {}

  /** Formats a 4- or 16-byte address; any other length gives null. */
  public static String format(byte[] address) {
    if (address == null) {
      return null;
    }
    if (address.length == 4) {
      return ipv4(
          (address[0] & 0xff) << 24
              | (address[1] & 0xff) << 16
              | (address[2] & 0xff) << 8
              | (address[3] & 0xff));
    }
    if (address.length != 16) {
      return null;
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (address[2 * i] & 0xff) << 8 | (address[2 * i + 1] & 0xff);
    }
    return ipv6(groups);
  }

  /** Formats an IPv4 address given as an int in network order (first octet in the high byte). */
  public static String ipv4(int address) {
    return ((address >>> 24) & 0xff)
        + "."
        + ((address >>> 16) & 0xff)
        + "."
        + ((address >>> 8) & 0xff)
        + "."
        + (address & 0xff);
  }

  /** Formats eight 16-bit groups; an IPv4-mapped address ({@code ::ffff:a.b.c.d}) gives IPv4. */
  public static String ipv6(int[] groups) {
    if (groups[0] == 0
        && groups[1] == 0
        && groups[2] == 0
        && groups[3] == 0
        && groups[4] == 0
        && groups[5] == 0xffff) {
      return ipv4(groups[6] << 16 | groups[7]);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: a single zero group is not compressed
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
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

  /**
   * Canonical form of an address literal such as {@code 127.0.0.1}, {@code ::1}, {@code [::1]} or
   * {@code ::ffff:10.0.0.1}, or null when the text is not an IP literal. Never resolves host names.
   */
  public static String canonical(String literal) {
    if (literal == null) {
      return null;
    }
    String text = literal.strip();
    if (text.startsWith("[") && text.endsWith("]")) {
      text = text.substring(1, text.length() - 1);
    }
    int zone = text.indexOf('%');
    if (zone >= 0) {
      text = text.substring(0, zone);
    }
    if (text.isEmpty()) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = c == '.' || c == ':' || Character.digit(c, 16) >= 0;
      if (!ok) {
        return null; // not a literal: refuse rather than let InetAddress do a DNS look-up
      }
    }
    if (text.indexOf(':') < 0 && text.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return format(java.net.InetAddress.getByName(text).getAddress());
    } catch (java.net.UnknownHostException | RuntimeException e) {
      return null;
    }
  }

  /**
   * {@code ip:port}, with brackets around IPv6 addresses; port 0 (any port: a server's peers
   * counted by address) as {@code *}. The one endpoint format of the project: snapshots, reports,
   * MBeans and labels.
   */
  public static String withPort(String ip, int port) {
    String portText = port == 0 ? "*" : Integer.toString(port);
    return (ip != null && ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + portText;
  }

  /** {@link #withPort(String, int)} of an address, in canonical form; null gives {@code ?}. */
  public static String withPort(java.net.InetAddress address, int port) {
    return withPort(address == null ? "?" : format(address.getAddress()), port);
  }
}
