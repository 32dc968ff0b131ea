package dev.timewait.core.rules;

import dev.timewait.core.snapshot.SiteStats;
import java.util.List;

/** How recommendations name code sites: the first few, or a phrase when the agent saw none. */
final class SiteNames {

  /** Recommendations name at most this many sites; the evidence lists them all. */
  static final int MAX_NAMED = 3;

  private SiteNames() {}

  /**
   * Where to change the code for a site: its close site, or its open site when the close site is a
   * JDK frame or names no application frame (the JDK {@code HttpClient} and Netty close on their
   * own threads; the open site is your code).
   */
  static String fixPoint(SiteStats site) {
    String close = site.site();
    boolean jdk =
        close != null
            && (close.startsWith("java.")
                || close.startsWith("javax.")
                || close.startsWith("jdk.")
                || close.startsWith("sun.")
                || close.startsWith("("));
    return jdk && site.openSite() != null ? site.openSite() : close;
  }

  static String join(List<String> sites, String whenNone) {
    if (sites.isEmpty()) {
      return whenNone;
    }
    return String.join(", ", sites.subList(0, Math.min(MAX_NAMED, sites.size())));
  }
}
