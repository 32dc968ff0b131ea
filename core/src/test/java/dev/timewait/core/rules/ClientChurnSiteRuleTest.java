package dev.timewait.core.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JDK HttpClient closes on its own threads: the finding names the code that opened. */
class ClientChurnSiteRuleTest {

  private static final String JDK_CLOSE =
      "jdk.internal.net.http.PlainHttpConnection.close(PlainHttpConnection.java:371)";
  private static final String OPEN = "com.example.Catalog.fetch(Catalog.java:97)";

  @Test
  void jdkCloseSiteIsNamedByItsOpenSite() {
    SiteStats site =
        new SiteStats(
            JDK_CLOSE,
            OPEN,
            Role.CLIENT,
            500,
            0,
            0,
            List.of(JDK_CLOSE),
            List.of(new SiteEndpoint("10.0.0.7:443", 500)));
    List<RecentClose> recent = new ArrayList<>();
    for (RecentClose close : TestHosts.recent(JDK_CLOSE, "10.0.0.1", "10.0.0.7:443", 150)) {
      recent.add(new RecentClose(close.pair(), close.at(), JDK_CLOSE, OPEN, Role.CLIENT));
    }

    Finding finding =
        new ClientChurnSiteRule()
            .evaluate(
                TestHosts.snapshotsOnly(
                    TestHosts.snapshot("web-1", 1, List.of(site), recent, List.of())))
            .orElseThrow();

    assertTrue(finding.title().startsWith(OPEN + " opens and closes 150"), finding.title());
    assertTrue(finding.recommendation().startsWith("Reuse connections at " + OPEN + ":"));
    assertFalse(finding.recommendation().contains(JDK_CLOSE), finding.recommendation());
    assertTrue(finding.evidence().get(0).startsWith(JDK_CLOSE), finding.evidence().get(0));
  }
}
