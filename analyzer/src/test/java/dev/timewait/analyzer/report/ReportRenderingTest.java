package dev.timewait.analyzer.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportRenderingTest {

  @TempDir Path dir;

  @Test
  void jsonHasTheDocumentedFields() throws Exception {
    JsonNode json =
        new ObjectMapper().readTree(new JsonReport().render(ReportFixtures.busyReport(dir)));
    assertEquals("timewait.report/1", json.get("schema").asText());
    assertEquals("6.1.0-28-amd64", json.at("/host/kernel").asText());
    assertEquals(73, json.at("/host/timeWait").asLong());
    assertEquals(0, json.at("/host/closeWait").asLong());
    JsonNode top = json.at("/host/destinations/0");
    assertEquals("203.0.113.5", top.get("local").asText());
    assertEquals("198.51.100.7:443", top.get("remote").asText());
    assertEquals(100, top.get("usable").asInt());
    assertTrue(top.get("timeWait").asLong() >= 72);
    assertTrue(top.get("utilization").asDouble() >= 0.72);
    JsonNode finding = json.at("/findings/0");
    for (String field : new String[] {"id", "severity", "title", "evidence", "recommendation"}) {
      assertTrue(finding.has(field), field);
    }
    assertEquals("critical", finding.get("severity").asText());
    assertEquals(5, json.get("sites").size());
    assertEquals(ReportFixtures.SITE, json.at("/sites/0/site").asText());
    assertEquals("web-1 pid 101 (com.example.Main)", json.at("/sites/0/jvm/label").asText());
    assertEquals("web-1", json.at("/sites/0/jvm/hostName").asText());
    assertEquals(101, json.at("/sites/0/jvm/pid").asLong());
    assertEquals("com.example.Main", json.at("/sites/0/jvm/mainClass").asText());
    JsonNode remote = json.at("/sites/0/remotes/0");
    assertEquals("198.51.100.7", remote.get("address").asText());
    assertEquals(443, remote.get("port").asInt());
    assertTrue(remote.get("active").asLong() > 0);
    assertEquals(5, json.get("timeWaitSeries").size());
  }

  @Test
  void markdownPutsCriticalFindingsFirstAndUnmissable() {
    String md =
        new MarkdownReport().render(ReportFixtures.reportOf(ReportFixtures.recycleBehindNat(dir)));
    int banner = md.indexOf("> [!CAUTION]\n> **CRITICAL TW_RECYCLE_NAT:");
    assertTrue(banner > 0, md);
    assertTrue(banner < md.indexOf("## Findings"), "the banner precedes everything else");
    assertTrue(md.contains("`sysctl -w net.ipv4.tcp_tw_recycle=0`"));
    assertTrue(md.contains("PAWSPassive = 421"));
    assertFalse(md.contains("HEALTHY"));
  }

  @Test
  void markdownEscapesHostAndAgentStrings() {
    String md = new MarkdownReport().render(ReportFixtures.busyReport(dir));
    // a fenced code block (the stacks) shows its text as written and never becomes HTML
    String outsideCode = md.replaceAll("(?s)```text\n.*?```\n", "");
    assertFalse(
        java.util.regex.Pattern.compile("(?<!\\\\)<script").matcher(outsideCode).find(),
        "a site must not become HTML on a code-hosting page");
    assertTrue(md.contains("```text\nclosed at\n    at " + ReportFixtures.HOSTILE_SITE + "\n"));
    assertTrue(md.contains("com.example.\\<script>window.pwned=1\\</script>.call(X.java:1)"));
    assertTrue(md.contains("| 203.0.113.5 | 198.51.100.7:443 |"));
  }

  /** Rows past the agent's siteRate are estimates: the reports say so, the JSON carries it. */
  @Test
  void estimatedSiteRowsAreMarkedInEveryFormat() throws Exception {
    String json =
        new String(
                ReportFixtures.class.getResourceAsStream("/snapshot/web-1.json").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8)
            .replaceFirst("\"active\": 9000, ", "\"active\": 9000, \"estimated\": 8100, ");
    Snapshot sampled = new dev.timewait.core.snapshot.SnapshotReader().read(json, "sampled");
    assertEquals(8100, sampled.sites().get(0).estimated());
    Report report =
        ReportFixtures.reportOf(
            ReportFixtures.input(HostTreeBuilder.healthy(dir), sampled), "sampled");
    String md = new MarkdownReport().render(report);
    assertTrue(md.contains("| \u22489000 | "), md);
    assertTrue(md.contains("| 300 | "), "an exact row stays plain");
    assertTrue(md.contains(MarkdownReport.ESTIMATED));
    String html = new HtmlReport().render(report);
    assertTrue(html.contains(">\u22489000<"));
    JsonNode site =
        new ObjectMapper().readTree(new JsonReport().render(report)).get("sites").get(0);
    assertEquals(8100, site.get("estimated").asLong(), site.toString());
    String exact = new MarkdownReport().render(ReportFixtures.busyReport(dir));
    assertFalse(exact.contains("\u2248"), "no mark without estimates");
  }

  @Test
  void healthyMarkdownSaysSoPlainly() {
    String md = new MarkdownReport().render(ReportFixtures.reportOf(HostTreeBuilder.healthy(dir)));
    assertTrue(md.contains("`HEALTHY` | Healthy: no tuning is needed"), md);
    assertFalse(md.contains("sysctl -w"));
    assertFalse(md.contains("[!CAUTION]"));
  }

  @Test
  void htmlIsSelfContainedAndEscaped() {
    String html = new HtmlReport().render(ReportFixtures.busyReport(dir));
    assertFalse(html.contains("<script>window.pwned"), "hostile site must not become markup");
    assertTrue(
        html.contains("com.example.&lt;script&gt;window.pwned=1&lt;/script&gt;.call(X.java:1)"));
    String data =
        html.substring(html.indexOf("<script type=\"application/json\" id=\"timewait-data\">"));
    data = data.substring(0, data.indexOf("</script>"));
    assertTrue(
        data.contains("com.example.\\u003cscript\\u003ewindow.pwned=1\\u003c/script\\u003e"));
    assertFalse(html.contains(" src="), "nothing is loaded from elsewhere");
    assertFalse(html.contains("sourceMappingURL"));
    assertTrue(html.contains("default-src 'none'"));
    assertTrue(html.contains("Chart.js " + ChartJs.version()));
    assertTrue(html.length() > 200_000, "the charting library is embedded");
  }

  @Test
  void hostNamesAndSourceLabelsAreEscapedToo() {
    Snapshot hostile = ReportFixtures.snapshot("hostile-host");
    assertEquals("<script>window.host=1</script>", hostile.jvm().hostName());
    String label = "snapshot <script>window.label=1</script>.json";
    Report report =
        ReportFixtures.reportOf(ReportFixtures.input(HostTreeBuilder.healthy(dir), hostile), label);
    String html = new HtmlReport().render(report);
    assertTrue(html.contains("window.host=1"), "the host name is in the report");
    assertTrue(html.contains("window.label=1"), "the label is in the report");
    assertFalse(html.contains("<script>window."), "nothing hostile became markup");
    String md = new MarkdownReport().render(report);
    assertFalse(
        java.util.regex.Pattern.compile("(?<!\\\\)<script").matcher(md).find(),
        "nothing hostile became markup in Markdown");
  }

  @Test
  void htmlDataIsValidJson() throws Exception {
    String html = new HtmlReport().render(ReportFixtures.busyReport(dir));
    String start = "<script type=\"application/json\" id=\"timewait-data\">";
    String data = html.substring(html.indexOf(start) + start.length());
    data = data.substring(0, data.indexOf("</script>"));
    JsonNode json = new ObjectMapper().readTree(data);
    assertEquals(ReportFixtures.HOSTILE_SITE, json.at("/sites/1/site").asText());
  }

  @Test
  void htmlShowsTheVerdictOnAHealthyHostAndTheAlarmOnABrokenOne() {
    String healthy = new HtmlReport().render(ReportFixtures.reportOf(HostTreeBuilder.healthy(dir)));
    assertTrue(
        healthy.contains(
            "<div class=\"verdict\" role=\"status\"><h2>Healthy: no tuning is needed</h2>"));
    assertFalse(healthy.contains("role=\"alert\""));
    String broken =
        new HtmlReport()
            .render(ReportFixtures.reportOf(ReportFixtures.recycleBehindNat(dir.resolve("nat"))));
    assertTrue(
        broken.contains("<div class=\"alert\" role=\"alert\"><h2>CRITICAL: tcp_tw_recycle is ON"));
    assertFalse(broken.contains("class=\"verdict\""));
  }
}
