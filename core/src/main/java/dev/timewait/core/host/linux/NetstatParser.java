package dev.timewait.core.host.linux;

import dev.timewait.core.host.KeyedCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code /proc/net/netstat} and {@code /proc/net/snmp}: pairs of lines with the same prefix,
 * a header of counter names and a line of values ({@code TcpExt: SyncookiesSent TW ...} then {@code
 * TcpExt: 0 123 ...}). Which counters exist depends on the kernel, so they are read by name.
 */
public final class NetstatParser {

  private NetstatParser() {}

  public static KeyedCounters parse(String text) {
    Map<String, Map<String, Long>> sections = new LinkedHashMap<>();
    int malformed = 0;
    if (text == null) {
      return new KeyedCounters(sections, 0);
    }
    String[] lines = text.split("\n");
    String headerPrefix = null;
    String[] names = null;
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        malformed++;
        headerPrefix = null;
        continue;
      }
      String prefix = line.substring(0, colon).trim();
      String[] words = line.substring(colon + 1).trim().split("\\s+");
      boolean numeric = words.length > 0 && SockstatParser.parseLong(words[0]) != null;
      if (!numeric) {
        if (headerPrefix != null) {
          malformed++; // a header without its values
        }
        headerPrefix = prefix;
        names = words;
        continue;
      }
      if (!prefix.equals(headerPrefix) || names.length != words.length) {
        malformed++;
        headerPrefix = null;
        continue;
      }
      Map<String, Long> values = new LinkedHashMap<>();
      for (int i = 0; i < names.length; i++) {
        Long value = SockstatParser.parseLong(words[i]);
        if (value != null) {
          values.put(names[i], value);
        }
      }
      sections.put(prefix, Map.copyOf(values));
      headerPrefix = null;
    }
    if (headerPrefix != null) {
      malformed++;
    }
    return new KeyedCounters(sections, malformed);
  }
}
