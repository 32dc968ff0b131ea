package dev.timewait.core.host;

import java.util.Map;

/**
 * Counters grouped by section, as {@code /proc/net/sockstat} ({@code TCP: inuse 1 tw 0}) and {@code
 * /proc/net/netstat} / {@code /proc/net/snmp} ({@code TcpExt: TW ...}) print them.
 *
 * @param sections values per section name (e.g. {@code TcpExt}) and counter name (e.g. {@code TW})
 * @param malformedLines lines that could not be read
 */
public record KeyedCounters(Map<String, Map<String, Long>> sections, int malformedLines) {

  public KeyedCounters {
    sections = Map.copyOf(sections);
  }

  /** A counter, or null when absent. */
  public Long get(String section, String name) {
    Map<String, Long> values = sections.get(section);
    return values == null ? null : values.get(name);
  }
}
