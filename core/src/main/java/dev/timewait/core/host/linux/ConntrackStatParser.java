package dev.timewait.core.host.linux;

import dev.timewait.core.host.KeyedCounters;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses {@code /proc/net/stat/nf_conntrack}: a header of counter names, then one line of hex
 * values per CPU. Returns each counter summed over the CPUs (e.g. {@code insert_failed}), and
 * {@code entries} (the same on every line) once.
 */
public final class ConntrackStatParser {

  private ConntrackStatParser() {}

  public static KeyedCounters parse(String text) {
    Map<String, Long> sums = new LinkedHashMap<>();
    int malformed = 0;
    if (text == null || text.isBlank()) {
      return new KeyedCounters(Map.of(), 0);
    }
    String[] lines = text.split("\n");
    String[] names = lines[0].trim().split("\\s+");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] values = lines[i].trim().split("\\s+");
      if (values.length != names.length) {
        malformed++;
        continue;
      }
      try {
        long[] parsed = new long[values.length];
        for (int j = 0; j < values.length; j++) {
          parsed[j] = Long.parseUnsignedLong(values[j], 16);
        }
        for (int j = 0; j < names.length; j++) {
          // "entries" is the table size, repeated on every line; the rest are per-CPU counts
          sums.merge(names[j], parsed[j], names[j].equals("entries") ? Math::max : Long::sum);
        }
      } catch (NumberFormatException e) {
        malformed++;
      }
    }
    return new KeyedCounters(Map.of("nf_conntrack", Map.copyOf(sums)), malformed);
  }
}
