package dev.timewait.analyzer.rules;

import java.util.List;

/** How recommendations name code sites: the first few, or a phrase when the agent saw none. */
final class SiteNames {

  /** Recommendations name at most this many sites; the evidence lists them all. */
  static final int MAX_NAMED = 3;

  private SiteNames() {}

  static String join(List<String> sites, String whenNone) {
    if (sites.isEmpty()) {
      return whenNone;
    }
    return String.join(", ", sites.subList(0, Math.min(MAX_NAMED, sites.size())));
  }
}
