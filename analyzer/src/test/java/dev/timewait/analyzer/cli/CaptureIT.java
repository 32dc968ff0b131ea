package dev.timewait.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.rules.TestHosts;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code timewait capture} on this host, then {@code report --host-root host.tar.gz} from a clean
 * folder: the same findings as the live report, from an archive that the system's {@code tar} reads
 * and that holds only host files under {@code proc/} and {@code etc/} and the snapshots.
 */
class CaptureIT {

  static final Path JAR = Path.of("target", "timewait.jar").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void aCapturedHostGivesTheLiveFindings() throws Exception {
    Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "capture needs Linux");
    Path snapshot = dir.resolve("web-1.json");
    Snapshot s =
        TestHosts.snapshot(
            "web-1",
            4242,
            List.of(
                TestHosts.clientSite(
                    "com.example.Churn.call(Churn.java:42)", 90_000, 0, "127.0.0.1:8080")),
            List.of(),
            List.of());
    Files.writeString(snapshot, SnapshotWriter.toJson(s));
    Path clean = Files.createDirectories(dir.resolve("clean"));
    Path archive = clean.resolve("host.tar.gz");

    Set<String> live = null;
    Set<String> captured = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Set<String> before =
          findings(
              run(
                  dir,
                  "report",
                  "--duration",
                  "0",
                  "--format",
                  "json",
                  "--snapshot",
                  snapshot.toString()));
      String wrote =
          run(dir, "capture", "-o", archive.toString(), "--snapshot", snapshot.toString());
      assertTrue(wrote.startsWith("wrote " + archive + ": "), wrote);
      Set<String> after =
          findings(
              run(
                  dir,
                  "report",
                  "--duration",
                  "0",
                  "--format",
                  "json",
                  "--snapshot",
                  snapshot.toString()));
      captured = findings(run(clean, "report", "--host-root", "host.tar.gz", "--format", "json"));
      live = before;
      if (before.equals(after)) {
        break; // the host held still while it was captured
      }
    }
    assertTrue(
        live.stream().anyMatch(f -> f.startsWith("CLIENT_CHURN_SITE/")),
        "the snapshot's churn site is found: " + live);
    assertEquals(live, captured, "findings from the archive against the live report");

    List<String> entries = List.of(tool(dir, "tar", "-tzf", archive.toString()).split("\n"));
    assertTrue(entries.contains("proc/net/tcp"), entries.toString());
    assertTrue(entries.contains("proc/sys/kernel/osrelease"), entries.toString());
    assertTrue(entries.contains("proc/net/sockstat"), entries.toString());
    assertTrue(entries.contains("proc/sys/net/ipv4/tcp_tw_reuse"), entries.toString());
    assertTrue(entries.contains("timewait/snapshots/web-1.json"), entries.toString());
    for (String entry : entries) {
      assertTrue(
          entry.startsWith("proc/net/")
              || entry.startsWith("proc/sys/")
              || entry.startsWith("etc/sysctl")
              || entry.equals("etc/os-release")
              || entry.startsWith("timewait/snapshots/"),
          "only what a report reads: " + entry);
    }
    assertEquals(
        Files.readString(Path.of("/proc/sys/kernel/osrelease")),
        tool(dir, "tar", "-xzOf", archive.toString(), "proc/sys/kernel/osrelease"));

    // The system's tar extracts it to a tree that reports the same.
    Path tree = Files.createDirectories(dir.resolve("tree"));
    tool(dir, "tar", "-xzf", archive.toString(), "-C", tree.toString());
    assertEquals(
        captured,
        findings(run(clean, "report", "--host-root", tree.toString(), "--format", "json")));
  }

  @Test
  void anArchiveWithALinkIsRefusedInOneLine() throws Exception {
    Path tree = Files.createDirectories(dir.resolve("t/proc/net"));
    Files.createSymbolicLink(tree.resolve("tcp"), Path.of("/etc/passwd"));
    Path archive = dir.resolve("evil.tar.gz");
    tool(dir.resolve("t"), "tar", "-czf", archive.toString(), "proc");
    Result result = result(dir, "report", "--host-root", archive.toString());
    assertEquals(2, result.code, result.err);
    assertTrue(
        result.err.strip().startsWith("timewait: cannot read the capture ")
            && result.err.strip().contains("link or special file")
            && !result.err.strip().contains("\n"),
        result.err);
  }

  private static Set<String> findings(String json) throws Exception {
    Set<String> ids = new TreeSet<>();
    for (JsonNode finding : new ObjectMapper().readTree(json).get("findings")) {
      ids.add(finding.get("id").asText() + "/" + finding.get("severity").asText());
    }
    return ids;
  }

  record Result(int code, String out, String err) {}

  private String run(Path cwd, String... args) throws Exception {
    Result result = result(cwd, args);
    assertTrue(result.code == 0 || result.code == 1, String.join(" ", args) + ": " + result.err);
    return result.out;
  }

  private Result result(Path cwd, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    return exec(cwd, command);
  }

  private String tool(Path cwd, String... command) throws Exception {
    Result result = exec(cwd, List.of(command));
    assertEquals(0, result.code, String.join(" ", command) + ": " + result.err);
    return result.out;
  }

  private Result exec(Path cwd, List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
