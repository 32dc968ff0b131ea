package dev.timewait.core.host;

/**
 * Reads {@code ip_local_port_range} ({@code "32768\t60999"}) and {@code ip_local_reserved_ports}
 * ({@code "8080,9000-9010"}) into a {@link PortRange} whose {@link PortRange#usable()} is the range
 * minus the reserved ports inside it.
 */
public final class PortRanges {

  private PortRanges() {}

  /**
   * The range with its reserved ports counted, or null when {@code rangeText} does not parse. A
   * reserved list that does not parse counts as no reserved ports.
   */
  public static PortRange of(String rangeText, String reservedText) {
    if (rangeText == null) {
      return null;
    }
    String[] bounds = rangeText.trim().split("\\s+");
    if (bounds.length != 2) {
      return null;
    }
    try {
      int low = Integer.parseInt(bounds[0]);
      int high = Integer.parseInt(bounds[1]);
      if (low < 0 || high > 65535 || low > high) {
        return null;
      }
      return new PortRange(low, high, reservedInRange(reservedText, low, high));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** How many ports of {@code spec} ({@code "8080,9000-9010"}) lie in {@code low..high}. */
  public static int reservedInRange(String spec, int low, int high) {
    if (spec == null || spec.isBlank()) {
      return 0;
    }
    boolean[] reserved = new boolean[65536];
    for (String part : spec.trim().split(",")) {
      String item = part.trim();
      if (item.isEmpty()) {
        continue;
      }
      int dash = item.indexOf('-');
      try {
        int first = Integer.parseInt(dash < 0 ? item : item.substring(0, dash).trim());
        int last = dash < 0 ? first : Integer.parseInt(item.substring(dash + 1).trim());
        for (int port = Math.max(first, 0); port <= Math.min(last, 65535); port++) {
          reserved[port] = true;
        }
      } catch (NumberFormatException e) {
        // an unreadable item reserves nothing
      }
    }
    int count = 0;
    for (int port = low; port <= high; port++) {
      if (reserved[port]) {
        count++;
      }
    }
    return count;
  }
}
