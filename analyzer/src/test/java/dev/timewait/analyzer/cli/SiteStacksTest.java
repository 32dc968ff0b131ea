package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.rules.TestHosts;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each site's close and open stacks in the three formats, and {@code report --site}. */
class SiteStacksTest {

  static final String CHURN = "com.example.Churn.call(Churn.java:42)";
  static final String POOL = "com.example.Pool.release(Pool.java:7)";
  static final List<String> CHURN_STACK =
      List.of(CHURN, "com.example.Churn.loop(Churn.java:30)", "com.example.Main.main(Main.java:9)");
  static final List<String> CHURN_OPEN =
      List.of("com.example.Churn.connect(Churn.java:20)", "com.example.Churn.loop(Churn.java:29)");

  @TempDir Path dir;
  Path snapshot;

  @BeforeEach
  void writeSnapshot() throws Exception {
    SiteStats churn =
        new SiteStats(
            CHURN,
            CHURN_OPEN.get(0),
            Role.CLIENT,
            900,
            0,
            0,
            CHURN_STACK,
            List.of(new SiteEndpoint("10.0.0.2:443", 900)),
            CHURN_OPEN);
    SiteStats pool =
        new SiteStats(
            POOL,
            "com.example.Pool.open(Pool.java:3)",
            Role.CLIENT,
            5,
            3,
            0,
            List.of(POOL, "com.example.Main.main(Main.java:12)"),
            List.of(),
            List.of());
    Snapshot s = TestHosts.snapshot("web-1", 101, List.of(churn, pool), List.of(), List.of());
    snapshot = dir.resolve("snapshot.json");
    Files.writeString(snapshot, SnapshotWriter.toJson(s));
  }

  CliRun report(String... more) {
    String[] args = new String[4 + more.length];
    args[0] = "report";
    args[1] = "--no-host";
    args[2] = "--snapshot";
    args[3] = snapshot.toString();
    System.arraycopy(more, 0, args, 4, more.length);
    return CliRun.of(args);
  }

  @Test
  void markdownShowsEachStackInACodeBlock() {
    CliRun run = report("--format", "md");
    assertEquals(0, run.code(), run.err());
    String md = run.out();
    int stacks = md.indexOf("## Stacks");
    assertTrue(stacks > 0, md);
    String block = md.substring(md.indexOf("```text", stacks));
    block = block.substring(0, block.indexOf("```\n", 7));
    assertTrue(block.contains("closed at\n    at " + CHURN + "\n"), block);
    assertTrue(block.contains("    at com.example.Main.main(Main.java:9)\n"), block);
    assertTrue(
        block.contains("opened at\n    at com.example.Churn.connect(Churn.java:20)\n"), block);
    assertTrue(md.contains("    at " + POOL), md);
  }

  @Test
  void htmlFoldsEachStackInDetails() {
    CliRun run = report("--format", "html");
    assertEquals(0, run.code(), run.err());
    String html = run.out();
    assertTrue(
        html.contains("<details class=\"stack\"><summary class=\"mono\">" + CHURN + " (CLIENT)"),
        "a <details> per site");
    assertTrue(html.contains("    at com.example.Churn.loop(Churn.java:30)\n"));
    assertTrue(html.contains("opened at\n    at com.example.Churn.connect(Churn.java:20)\n"));
  }

  @Test
  void jsonListsStackAndOpenStackAsInTheSnapshot() throws Exception {
    CliRun run = report("--format", "json");
    assertEquals(0, run.code(), run.err());
    JsonNode sites = new ObjectMapper().readTree(run.out()).get("sites");
    JsonNode churn = sites.get(0);
    assertEquals(CHURN, churn.get("site").asText());
    assertEquals(CHURN_STACK, strings(churn.get("stack")));
    assertEquals(CHURN_OPEN, strings(churn.get("openStack")));
    assertEquals(List.of(), strings(sites.get(1).get("openStack")));
  }

  @Test
  void siteNarrowsTheReportToOneSite() throws Exception {
    CliRun run = report("--format", "json", "--site", "Pool.release");
    assertEquals(0, run.code(), run.err());
    JsonNode sites = new ObjectMapper().readTree(run.out()).get("sites");
    assertEquals(1, sites.size(), sites.toString());
    assertEquals(POOL, sites.get(0).get("site").asText());

    CliRun glob = report("--format", "md", "--site", "com.example.*.call(*");
    assertEquals(0, glob.code(), glob.err());
    assertTrue(glob.out().contains("    at " + CHURN), glob.out());
    assertFalse(glob.out().contains(POOL), "only the matching site");

    CliRun byOpenSite = report("--format", "json", "--site", "Pool.open");
    assertEquals(POOL, new ObjectMapper().readTree(byOpenSite.out()).at("/sites/0/site").asText());
  }

  @Test
  void aPatternThatMatchesNothingIsOneLineAndExitTwo() {
    CliRun run = report("--site", "NoSuchClass");
    assertEquals(2, run.code());
    assertEquals("timewait: no code site matches --site NoSuchClass", run.errLine());
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
