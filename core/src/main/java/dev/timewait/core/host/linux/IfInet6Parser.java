package dev.timewait.core.host.linux;

import dev.timewait.core.host.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/if_inet6} into this host's IPv6 addresses: {@code address(32 hex) index
 * prefix-length scope flags name}.
 */
public final class IfInet6Parser {

  private IfInet6Parser() {}

  public static List<String> addresses(String text) {
    List<String> addresses = new ArrayList<>();
    if (text == null) {
      return addresses;
    }
    for (String line : text.split("\n")) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length < 6 || fields[0].length() != 32) {
        continue;
      }
      int[] groups = new int[8];
      try {
        for (int i = 0; i < 8; i++) {
          groups[i] = Integer.parseInt(fields[0].substring(4 * i, 4 * i + 4), 16);
        }
      } catch (NumberFormatException e) {
        continue;
      }
      addresses.add(IpAddresses.ipv6(groups));
    }
    return addresses;
  }
}
