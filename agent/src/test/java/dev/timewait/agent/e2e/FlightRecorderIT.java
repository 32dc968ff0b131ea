package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's own Flight Recorder events, recorded by {@code -XX:StartFlightRecording} in a child
 * JVM and read back with the JDK's {@code jfr} tool: one {@code dev.timewait.ConnectionEnd} per
 * connection the snapshot counts, by kind and role, with the snapshot's active 4-tuples, close
 * sites and a stack trace; {@code dev.timewait.Finding} when a finding is raised and cleared.
 */
class FlightRecorderIT {

  @TempDir Path dir;

  static List<Path> javas() {
    return Jdk.all().stream().map(jdk -> jdk.home().resolve("bin/java")).toList();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void eventsMatchTheSnapshot(Path java) throws Exception {
    Path recording = dir.resolve("timewait.jfr");
    Path snapshotFile = dir.resolve("snapshot.json");
    try (ChildJvm child =
        ChildJvm.on(new Jdk(java.getParent().getParent()))
            .jvmArgs(
                List.of(
                    "-XX:StartFlightRecording=filename=" + recording + ",dumponexit=true",
                    "-javaagent:"
                        + ChildJvm.agentJar()
                        + "=jmxDelay=0s,interval=200ms,closeWaitAfter=300ms,snapshot="
                        + snapshotFile))
            .mainClass(LifecycleApp.class)
            .args(List.of())
            .start()) {
      child.awaitLine("ready");
      child.send("closes 20");
      child.awaitLine("done 20");
      child.send("http 10");
      child.awaitLine("served 10");
      child.send("leak 2");
      child.awaitLine("leaked 2");
      child.awaitReply("attr Findings CriticalCount", "attr 1", 20_000);
      child.send("release");
      child.awaitLine("released 2");
      child.awaitReply("attr Findings CriticalCount", "attr 0", 20_000);
      child.send("exit");
      child.finish(60);
    }
    Snapshot snapshot = new SnapshotReader().read(snapshotFile);
    JsonNode ends = events(java, recording, "dev.timewait.ConnectionEnd");

    Map<String, Long> byKindAndRole = new HashMap<>();
    Map<String, Long> byRow = new HashMap<>();
    Set<SocketPair> activeTuples = new HashSet<>();
    for (JsonNode event : ends) {
      JsonNode v = event.get("values");
      byKindAndRole.merge(v.get("kind").asText() + "/" + v.get("role").asText(), 1L, Long::sum);
      byRow.merge(
          row(text(v, "closeSite"), text(v, "openSite"), v.get("role").asText(), text(v, "library"))
              + " "
              + v.get("kind").asText(),
          1L,
          Long::sum);
      assertTrue(
          (text(v, "closeSite") + text(v, "openSite")).contains("LifecycleApp"), v.toString());
      assertTrue(
          event.get("values").get("stackTrace").get("frames").size() > 3,
          "JFR's stack trace of the close: " + v);
      if (v.get("kind").asText().equals("ACTIVE")) {
        activeTuples.add(
            new SocketPair(
                v.get("localAddress").asText(),
                v.get("localPort").asInt(),
                v.get("remoteAddress").asText(),
                v.get("remotePort").asInt()));
      }
    }
    Map<String, Long> expected = new HashMap<>();
    for (Map.Entry<Role, CloseCounts> e : snapshot.totals().byRole().entrySet()) {
      put(expected, "ACTIVE/" + e.getKey(), e.getValue().active());
      put(expected, "PASSIVE/" + e.getKey(), e.getValue().passive());
      put(expected, "ABORTIVE/" + e.getKey(), e.getValue().abortive());
    }
    assertEquals(expected, byKindAndRole, "events by kind and role against the snapshot");
    Map<String, Long> rows = new HashMap<>();
    for (SiteStats site : snapshot.sites()) {
      String row = row(site.site(), site.openSite(), site.role().name(), site.via());
      put(rows, row + " ACTIVE", site.active());
      put(rows, row + " PASSIVE", site.passive());
      put(rows, row + " ABORTIVE", site.abortive());
    }
    assertEquals(rows, byRow, "events by site row and library against the snapshot's rows");
    assertTrue(
        byRow.keySet().stream()
            .anyMatch(r -> r.contains("via jdk.httpserver") && r.contains("SERVER")),
        "the JDK HTTP server's closes name their library: " + byRow.keySet());
    assertTrue(expected.getOrDefault("ACTIVE/CLIENT", 0L) >= 20, expected.toString());
    Set<SocketPair> snapshotTuples = new HashSet<>();
    for (RecentClose close : snapshot.recentActiveCloses()) {
      snapshotTuples.add(close.pair());
    }
    assertEquals(snapshotTuples, activeTuples, "the active 4-tuples");

    List<String> findings = new ArrayList<>();
    for (JsonNode event : events(java, recording, "dev.timewait.Finding")) {
      JsonNode v = event.get("values");
      findings.add(v.get("action").asText() + " " + v.get("id").asText());
    }
    assertTrue(findings.contains("raised CLOSE_WAIT_LEAK"), findings.toString());
    assertTrue(findings.contains("cleared CLOSE_WAIT_LEAK"), findings.toString());

    String text = run(jfr(java), "print", "--events", "dev.timewait.ConnectionEnd", recording);
    assertTrue(text.contains("dev.timewait.ConnectionEnd {"), text);
    assertTrue(text.contains("closeSite = \"dev.timewait.agent.e2e.LifecycleApp"), text);
  }

  private static String row(String closeSite, String openSite, String role, String library) {
    return closeSite + " <- " + openSite + " " + role + " via " + library;
  }

  private static String text(JsonNode values, String field) {
    JsonNode node = values.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }

  private static void put(Map<String, Long> map, String key, long count) {
    if (count > 0) {
      map.put(key, count);
    }
  }

  /**
   * A recording started later with {@code jcmd} gets the events too: without a recording at start
   * the agent registers them on its own thread (off the application's first close), before its
   * MBeans.
   */
  @ParameterizedTest
  @MethodSource("javas")
  void aRecordingStartedLaterSeesTheEvents(Path java) throws Exception {
    Path recording = dir.resolve("later.jfr");
    Path jcmd = java.getParent().resolve("jcmd");
    try (ChildJvm child =
        ChildJvm.on(new Jdk(java.getParent().getParent()))
            .agent("jmxDelay=0s")
            .mainClass(LifecycleApp.class)
            .args(List.of())
            .start()) {
      child.awaitLine("ready");
      child.awaitReply("mbean", "mbean true", 15_000);
      run(jcmd, child.pid(), "JFR.start", "name=later");
      child.send("closes 20");
      child.awaitLine("done 20");
      run(jcmd, child.pid(), "JFR.dump", "name=later", "filename=" + recording);
      child.send("exit");
      child.finish(60);
    }
    long clientActive = 0;
    for (JsonNode event : events(java, recording, "dev.timewait.ConnectionEnd")) {
      JsonNode v = event.get("values");
      if (v.get("kind").asText().equals("ACTIVE") && v.get("role").asText().equals("CLIENT")) {
        clientActive++;
      }
    }
    assertEquals(20, clientActive, "the 20 client closes after JFR.start");
  }

  private JsonNode events(Path java, Path recording, String type) throws Exception {
    String json = run(jfr(java), "print", "--json", "--events", type, recording);
    return new ObjectMapper().readTree(json).get("recording").get("events");
  }

  private static Path jfr(Path java) {
    return java.getParent().resolve("jfr");
  }

  private String run(Object... words) throws Exception {
    List<String> command = new ArrayList<>();
    for (Object word : words) {
      command.add(word.toString());
    }
    return run(command);
  }

  private String run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "jfr-", ".out");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jfr finished");
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), text);
    return text;
  }
}
