package dev.timewait.core.host.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses {@code /proc/net/dev} into interface names: two header lines, then {@code name: counters}.
 */
public final class NetDevParser {

  private NetDevParser() {}

  public static List<String> interfaces(String text) {
    List<String> names = new ArrayList<>();
    if (text == null) {
      return names;
    }
    for (String line : text.split("\n")) {
      int colon = line.indexOf(':');
      if (colon <= 0 || line.indexOf('|') >= 0) {
        continue;
      }
      String name = line.substring(0, colon).strip();
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }
}
