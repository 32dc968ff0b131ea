package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.testing.HostTreeBuilder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  Path snapshot(String name, String host, long pid, String site) throws IOException {
    String json =
        """
        { "schema": "timewait.snapshot/1", "takenAt": "2026-11-24T15:20:00Z", "agentVersion": "0.1.0",
          "jvm": { "pid": %d, "javaVersion": "17.0.15", "mainClass": "com.example.Main", "hostName": "%s" },
          "startedAt": "2026-11-24T15:10:00Z",
          "totals": { "active": 500, "passive": 0, "abortive": 0,
                      "byRole": { "CLIENT": { "active": 500, "passive": 0, "abortive": 0 } } },
          "sites": [ { "site": "%s", "openSite": "com.example.Client.connect(Client.java:30)",
                       "role": "CLIENT", "active": 500, "passive": 0, "abortive": 0,
                       "endpoints": [ { "remote": "198.51.100.7:443", "active": 500 } ] } ],
          "futureField": { "ignored": true } }
        """
            .formatted(pid, host, site);
    return Files.writeString(dir.resolve(name), json);
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "report", "attach", "detach", "snapshot"})
  void everyCommandHasHelp(String command) {
    CliRun run = CliRun.of(command, "--help");
    assertEquals(0, run.code());
    assertTrue(run.out().startsWith("Usage: timewait " + command), run.out());
  }

  @Test
  void topLevelHelpListsCommands() {
    CliRun run = CliRun.of("--help");
    assertEquals(0, run.code());
    for (String command : new String[] {"demo", "report", "attach", "detach", "snapshot"}) {
      assertTrue(run.out().contains("  " + command), run.out());
    }
  }

  @Test
  void noCommandIsBadUsage() {
    CliRun run = CliRun.of();
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("missing command"));
  }

  @Test
  void unknownCommand() {
    CliRun run = CliRun.of("frobnicate");
    assertEquals(2, run.code());
    assertTrue(run.errLine().startsWith("timewait: unknown command 'frobnicate'"), run.err());
  }

  @Test
  void mistypedCommandsAndOptionsGetDidYouMean() {
    CliRun command = CliRun.of("reprot", "--host-root", dir.toString());
    assertEquals(2, command.code());
    assertEquals(
        "timewait: unknown command 'reprot'; did you mean 'report'? (see 'timewait --help')",
        command.errLine());
    CliRun option = CliRun.of("report", "--formt", "json");
    assertEquals(2, option.code());
    assertTrue(
        option.errLine().startsWith("timewait: unknown option '--formt'; did you mean '--format'"),
        option.errLine());
  }

  @Test
  void shortOptionsAsProfilersHaveThem() throws IOException {
    HostTreeBuilder.healthy(dir.resolve("host")).build();
    Path out = dir.resolve("report.txt");
    CliRun run =
        CliRun.of(
            "report",
            "--host-root",
            dir.resolve("host").toString(),
            "-d",
            "0",
            "-f",
            "json",
            "-o",
            out.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals("timewait.report/1", JSON.readTree(out.toFile()).get("schema").asText());
  }

  @Test
  void theFormatFollowsTheOutFileUnlessGiven() throws IOException {
    HostTreeBuilder.healthy(dir.resolve("host")).build();
    String root = dir.resolve("host").toString();
    Path html = dir.resolve("x.html");
    assertEquals(0, CliRun.of("report", "--host-root", root, "--out", html.toString()).code());
    assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
    Path json = dir.resolve("x.JSON");
    assertEquals(0, CliRun.of("report", "--host-root", root, "-o", json.toString()).code());
    assertEquals("timewait.report/1", JSON.readTree(json.toFile()).get("schema").asText());
    Path md = dir.resolve("x.md");
    assertEquals(0, CliRun.of("report", "--host-root", root, "-o", md.toString()).code());
    assertTrue(Files.readString(md).startsWith("# timewait report"));
    Path other = dir.resolve("x.txt");
    assertEquals(0, CliRun.of("report", "--host-root", root, "-o", other.toString()).code());
    assertTrue(Files.readString(other).startsWith("# timewait report"), "Markdown by default");
    Path forced = dir.resolve("y.html");
    assertEquals(
        0, CliRun.of("report", "--host-root", root, "-o", forced.toString(), "-f", "md").code());
    assertTrue(Files.readString(forced).startsWith("# timewait report"), "--format wins");
  }

  @Test
  void reportFilesGetTheUmaskPermissions() throws IOException {
    Assumptions.assumeTrue(
        dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX only");
    HostTreeBuilder.healthy(dir.resolve("host")).build();
    Path probe = Files.createFile(dir.resolve("probe"));
    Path out = dir.resolve("report.md");
    assertEquals(
        0,
        CliRun.of("report", "--host-root", dir.resolve("host").toString(), "-o", out.toString())
            .code());
    assertEquals(Files.getPosixFilePermissions(probe), Files.getPosixFilePermissions(out));
  }

  @Test
  void reportHelpSaysWhatEachThresholdMeansOnWholeLines() {
    CliRun run = CliRun.of("report", "--help");
    assertEquals(0, run.code());
    List<String> lines = run.out().lines().toList();
    for (String line : lines) {
      assertTrue(line.length() <= 80, "fits 80 columns: [" + line + "]");
    }
    for (Map.Entry<String, Object> threshold : Thresholds.defaults().asMap().entrySet()) {
      String value = String.valueOf(threshold.getValue()).replaceAll("\\.0$", "");
      String head = "  " + threshold.getKey() + "=" + value + " ";
      String line = lines.stream().filter(l -> l.startsWith(head)).findFirst().orElse("(none)");
      assertTrue(
          line.length() > head.length() + 10 && line.contains(":"),
          "a meaning for " + threshold.getKey() + ": " + line + "\n" + run.out());
    }
    assertTrue(run.out().contains("  portCritical=0.8 "), run.out());
  }

  @Test
  void unknownOption() {
    CliRun run = CliRun.of("report", "--frobnicate");
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("'--frobnicate'"), run.err());
    assertTrue(run.errLine().endsWith("(see 'timewait report --help')"), run.err());
  }

  @Test
  void badDuration() {
    CliRun run = CliRun.of("report", "--duration", "soon");
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("'soon' is not a duration"), run.err());
  }

  @Test
  void badFormat() {
    CliRun run = CliRun.of("report", "--format", "pdf", "--host-root", dir.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("--format"), run.err());
  }

  @Test
  void badFailOnAndThreshold() {
    HostTreeBuilder.healthy(dir).build();
    CliRun failOn = CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "fatal");
    assertEquals(2, failOn.code());
    assertTrue(failOn.errLine().contains("unknown severity 'fatal'"), failOn.err());
    CliRun threshold = CliRun.of("report", "--host-root", dir.toString(), "--threshold", "nope=1");
    assertEquals(2, threshold.code());
    assertTrue(threshold.errLine().contains("unknown threshold 'nope'"), threshold.err());
  }

  @Test
  void missingHostRoot() {
    CliRun run = CliRun.of("report", "--host-root", dir.resolve("absent").toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("host root is not a directory"), run.err());
  }

  @Test
  void hostRootThatIsAFileIsBadInput() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "not a tree");
    CliRun run = CliRun.of("report", "--host-root", file.toString());
    assertEquals(2, run.code());
    assertEquals(
        "timewait: host root "
            + file
            + " is neither a folder nor a capture written by 'timewait capture'",
        run.errLine());
  }

  /** A tree full of garbage is unreadable input: one line that says what could not be read. */
  @Test
  void hostRootWithGarbageIsUnreadableInput() throws IOException {
    Path root = dir.resolve("garbage");
    Files.createDirectories(root.resolve("proc/net/tcp6"));
    Files.createDirectories(root.resolve("proc/sys/net/ipv4"));
    Files.write(root.resolve("proc/net/tcp"), new byte[] {' ', '1', ':', 0, (byte) 0xff, '\n'});
    Files.writeString(root.resolve("proc/net/sockstat"), "TCP: tw\n");
    Files.writeString(root.resolve("proc/sys/net/ipv4/ip_local_port_range"), "lots\n");
    CliRun run =
        CliRun.of(
            "report", "--host-root", root.toString(), "--fail-on", "warning", "--format", "md");
    assertEquals(2, run.code(), run.err());
    assertEquals("", run.out());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.errLine().contains("holds no readable host data"), run.err());
    assertTrue(run.errLine().contains("/proc/net/tcp6 unreadable"), run.err());
  }

  @Test
  void missingSnapshotFile() {
    CliRun run =
        CliRun.of("report", "--no-host", "--snapshot", dir.resolve("gone.json").toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().endsWith("gone.json: file not found"), run.err());
  }

  @Test
  void notJson() throws IOException {
    Path file = Files.writeString(dir.resolve("x.json"), "this is not json\n");
    CliRun run = CliRun.of("report", "--no-host", "--snapshot", file.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("not a valid snapshot"), run.err());
  }

  @Test
  void truncatedJson() throws IOException {
    String whole = Files.readString(snapshot("s.json", "web-1", 1, "a.B.c(B.java:1)"));
    Path file = Files.writeString(dir.resolve("t.json"), whole.substring(0, whole.length() / 2));
    CliRun run = CliRun.of("report", "--no-host", "--snapshot", file.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("not a valid snapshot"), run.err());
  }

  @Test
  void wrongSchema() throws IOException {
    Path file = Files.writeString(dir.resolve("w.json"), "{\"schema\":\"something/9\"}");
    CliRun run = CliRun.of("report", "--no-host", "--snapshot", file.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("unsupported schema \"something/9\""), run.err());
  }

  @Test
  void oversizedSnapshot() throws IOException {
    Path file = dir.resolve("big.json");
    try (RandomAccessFile big = new RandomAccessFile(file.toFile(), "rw")) {
      big.setLength(64L * 1024 * 1024 + 1);
    }
    CliRun run = CliRun.of("report", "--no-host", "--snapshot", file.toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().contains("larger than"), run.err());
  }

  @Test
  void reportOnAHostTreeAsJson() throws IOException {
    HostTreeBuilder.healthy(dir)
        .sysctl("net.ipv4.tcp_tw_reuse", "0")
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 60)
        .build();
    CliRun run = CliRun.of("report", "--host-root", dir.toString(), "--format", "json");
    assertEquals(0, run.code(), run.err());
    JsonNode report = JSON.readTree(run.out());
    assertEquals("timewait.report/1", report.get("schema").asText());
    assertEquals("6.1.0-28-amd64", report.at("/host/kernel").asText());
    assertEquals(
        0.0, report.at("/host/windowSeconds").asDouble(), "a captured tree is sampled once");
    assertTrue(run.out().contains("\"TW_REUSE_RECOMMENDED\""));
  }

  @Test
  void failOnGivesExitOne() {
    HostTreeBuilder.healthy(dir).sysctl("net.ipv4.tcp_timestamps", "0").build();
    assertEquals(
        1, CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "warning").code());
    assertEquals(
        0, CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "critical").code());
    assertEquals(0, CliRun.of("report", "--host-root", dir.toString()).code());
  }

  @Test
  void healthyHostPassesFailOnWarning() {
    HostTreeBuilder.healthy(dir).build();
    CliRun run = CliRun.of("report", "--host-root", dir.toString(), "--fail-on", "warning");
    assertEquals(0, run.code());
    assertTrue(run.out().contains("Healthy: no tuning is needed"));
  }

  @Test
  void thresholdOptionChangesTheRule() {
    HostTreeBuilder.healthy(dir)
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 30)
        .build();
    String root = dir.toString();
    assertFalse(CliRun.of("report", "--host-root", root).out().contains("PORT_EXHAUSTION_RISK"));
    assertTrue(
        CliRun.of("report", "--host-root", root, "--threshold", "portWarn=0.25")
            .out()
            .contains("PORT_EXHAUSTION_RISK"));
  }

  @Test
  void fleetReportFromSeveralSnapshots() throws IOException {
    Path a = snapshot("a.json", "web-1", 11, "com.example.Web.call(Web.java:10)");
    Path b = snapshot("b.json", "web-2", 22, "com.example.Batch.run(Batch.java:20)");
    Path out = dir.resolve("fleet.json");
    CliRun run =
        CliRun.of(
            "report",
            "--no-host",
            "--snapshot",
            a.toString(),
            "--snapshot",
            b.toString(),
            "--format",
            "json",
            "--out",
            out.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals("", run.out(), "the report went to the file");
    JsonNode report = JSON.readTree(out.toFile());
    assertTrue(report.get("host").isNull());
    assertEquals(2, report.get("sites").size());
    assertEquals(2, report.get("jvms").size());
    String jvms = report.get("sites").toString();
    assertTrue(jvms.contains("web-1 pid 11") && jvms.contains("web-2 pid 22"), jvms);
  }

  @Test
  void markdownAndHtmlFormats() throws IOException {
    HostTreeBuilder.healthy(dir).build();
    assertTrue(
        CliRun.of("report", "--host-root", dir.toString()).out().startsWith("# timewait report"));
    Path html = dir.resolve("r.html");
    assertEquals(
        0,
        CliRun.of(
                "report",
                "--host-root",
                dir.toString(),
                "--format",
                "HTML",
                "--out",
                html.toString())
            .code());
    assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
  }

  @Test
  void aMissingFolderIsNamedBeforeAnyInputIsRead() throws IOException {
    Path notJson = Files.writeString(dir.resolve("x.json"), "not json");
    CliRun run =
        CliRun.of(
            "report",
            "--no-host",
            "--snapshot",
            notJson.toString(),
            "-o",
            dir.resolve("gone/r.md").toString());
    assertEquals(2, run.code());
    assertTrue(run.errLine().endsWith(dir.resolve("gone") + " does not exist"), run.err());
  }

  @Test
  void unwritableOutput() {
    HostTreeBuilder.healthy(dir).build();
    CliRun run =
        CliRun.of(
            "report",
            "--host-root",
            dir.toString(),
            "--out",
            dir.resolve("no/such/dir/r.md").toString());
    assertEquals(2, run.code());
    assertEquals(
        "timewait: cannot write "
            + dir.resolve("no/such/dir/r.md")
            + ": the folder "
            + dir.resolve("no/such/dir")
            + " does not exist",
        run.errLine());
  }

  @Test
  void agentClosesAreMatchedWithTheTable() throws IOException {
    String site = "com.example.Client.call(Client.java:42)";
    HostTreeBuilder.healthy(dir.resolve("host"))
        .clientTimeWait(HostTreeBuilder.LOCAL, HostTreeBuilder.REMOTE, 443, 90)
        .build();
    java.time.Instant now = java.time.Instant.now();
    StringBuilder recent = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      recent
          .append(i == 0 ? "" : ",")
          .append(
              "{\"local\":\"%s:%d\",\"remote\":\"%s:443\",\"at\":\"%s\",\"site\":\"%s\",\"role\":\"CLIENT\"}"
                  .formatted(
                      HostTreeBuilder.LOCAL,
                      40000 + i,
                      HostTreeBuilder.REMOTE,
                      now.minusSeconds(i / 3),
                      site));
    }
    String json =
        ("{\"schema\":\"timewait.snapshot/1\",\"takenAt\":\"%s\",\"startedAt\":\"%s\","
                + "\"jvm\":{\"pid\":5,\"hostName\":\"web-1\"},"
                + "\"totals\":{\"active\":120,\"passive\":0,\"abortive\":0},"
                + "\"sites\":[{\"site\":\"%s\",\"role\":\"CLIENT\",\"active\":120,"
                + "\"endpoints\":[{\"remote\":\"%s:443\",\"active\":120}]}],"
                + "\"recentActiveCloses\":[%s]}")
            .formatted(now, now.minusSeconds(60), site, HostTreeBuilder.REMOTE, recent);
    Path file = Files.writeString(dir.resolve("web-1.json"), json);
    CliRun run =
        CliRun.of(
            "report",
            "--host-root",
            dir.resolve("host").toString(),
            "--snapshot",
            file.toString(),
            "--format",
            "json");
    assertEquals(0, run.code(), run.err());
    JsonNode report = JSON.readTree(run.out());
    JsonNode owner = report.at("/ownership/0");
    assertEquals(120, owner.get("recentCloses").asLong());
    assertEquals(90, owner.get("confirmed").asLong());
    assertEquals(site, owner.at("/sites/0/site").asText());
    String churn = "";
    for (JsonNode finding : report.get("findings")) {
      if (finding.get("id").asText().equals("CLIENT_CHURN_SITE")) {
        churn = finding.get("evidence").toString();
      }
    }
    assertTrue(
        churn.contains("/proc/net/tcp holds 90 of its recent closes in TIME_WAIT now"), churn);
  }
}
