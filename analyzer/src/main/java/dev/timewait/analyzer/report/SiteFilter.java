package dev.timewait.analyzer.report;

import dev.timewait.core.match.SiteOwnership;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Narrows a report to the code sites whose close or open frame matches a pattern: a substring, or a
 * glob where {@code *} stands for any text ({@code com.acme.*Client.call*}).
 */
public final class SiteFilter {

  private final String text;
  private final Pattern glob;

  private SiteFilter(String text) {
    this.text = text;
    this.glob = text.contains("*") ? toRegex(text) : null;
  }

  /** The filter for {@code pattern}; blank patterns are refused. */
  public static SiteFilter of(String pattern) {
    if (pattern == null || pattern.isBlank()) {
      throw new IllegalArgumentException("the site pattern is empty");
    }
    return new SiteFilter(pattern.strip());
  }

  /** Whether a site row's close or open frame matches. */
  public boolean matches(String site, String openSite) {
    return matches(site) || matches(openSite);
  }

  private boolean matches(String frame) {
    if (frame == null) {
      return false;
    }
    return glob == null ? frame.contains(text) : glob.matcher(frame).matches();
  }

  /** The report with only the matching sites, in the site table and in the ownership rows. */
  public Report apply(Report report) {
    List<Report.Site> sites = new ArrayList<>();
    for (Report.Site site : report.sites()) {
      if (matches(site.site(), site.openSite())) {
        sites.add(site);
      }
    }
    List<Report.Ownership> ownership = new ArrayList<>();
    for (Report.Ownership owner : report.ownership()) {
      List<SiteOwnership> rows = new ArrayList<>();
      for (SiteOwnership row : owner.sites()) {
        if (matches(row.site(), row.openSite())) {
          rows.add(row);
        }
      }
      ownership.add(
          new Report.Ownership(
              owner.jvm(),
              owner.recentCloses(),
              owner.droppedCloses(),
              owner.confirmed(),
              owner.hostTimeWait(),
              owner.shareOfHost(),
              rows));
    }
    return new Report(
        report.schema(),
        report.generatedAt(),
        report.sources(),
        report.owners(),
        report.namespaces(),
        report.host(),
        report.findings(),
        sites,
        report.jvms(),
        report.timeWaitSeries(),
        ownership,
        report.unavailable());
  }

  private static Pattern toRegex(String glob) {
    List<String> quoted = new ArrayList<>();
    for (String part : glob.split("\\*", -1)) {
      quoted.add(Pattern.quote(part));
    }
    return Pattern.compile(String.join(".*", quoted));
  }

  @Override
  public String toString() {
    return text;
  }
}
