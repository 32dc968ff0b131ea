package dev.timewait.core.host.linux;

import dev.timewait.core.host.IpAddresses;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/fib_trie} into this host's own IPv4 addresses: a leaf line {@code |--
 * a.b.c.d} followed by {@code /32 host LOCAL}. The trie prints each address under both the {@code
 * Main} and {@code Local} tables; each is returned once, in order of appearance.
 */
public final class FibTrieParser {

  private FibTrieParser() {}

  public static List<String> localAddresses(String text) {
    List<String> addresses = new ArrayList<>();
    if (text == null) {
      return addresses;
    }
    String leaf = null;
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.startsWith("|--")) {
        leaf = line.substring(3).strip();
      } else if (line.startsWith("/32") && line.contains("host LOCAL") && leaf != null) {
        String address = IpAddresses.canonical(leaf);
        if (address != null && !addresses.contains(address)) {
          addresses.add(address);
        }
      } else if (line.startsWith("+--")) {
        leaf = null;
      }
    }
    return addresses;
  }
}
