package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parts of the agent failing on every call ({@code -Dtimewait.faults}), its threads interrupted or
 * out of memory: the application sees exactly what it sees without the agent, and the agent counts
 * and logs its errors at most once per kind.
 */
class AgentFaultsIT {
  private static final String ECHO = "echo 300";

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void failingRecorderSamplerAndJmxLeaveTheApplicationAlone(Jdk jdk, @TempDir Path dir)
      throws Exception {
    String expected = run(jdk, ECHO);
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .property("timewait.faults", "recorder,sampler,jmx")
            .agent("jmxDelay=0s,interval=100ms,hostInterval=100ms,tableInterval=100ms")
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send(ECHO);
      assertEquals(expected, child.awaitLine("echoed"), "same bytes with the faults");
      child.send(ECHO);
      assertEquals(expected, child.awaitLine("echoed"));
      child.awaitReply("mbean", "mbean true", 15_000);
      Thread.sleep(300); // several host samples and snapshot rounds
      child.send("attr Closes ActiveCloses");
      assertEquals("attr error RuntimeMBeanException", child.awaitLine("attr"));
      child.send("attr Host TimeWait");
      assertEquals("attr error RuntimeMBeanException", child.awaitLine("attr"));
      child.send("attr Agent ErrorCount");
      long errors = Long.parseLong(child.awaitLine("attr").substring(5));
      // every close of both ends of 600 connections failed in the recorder, plus samples and reads
      assertTrue(errors >= 1200 + 2 + 2, "ErrorCount " + errors);
      child.send("exit");
      child.finish(30);
      Map<String, Long> linesPerKind = agentErrorLinesByKind(child.stderr());
      assertEquals(
          Map.of(
              "socket event", 1L,
              "host sample", 1L,
              "JMX ClosesMXBean", 1L,
              "JMX HostMXBean", 1L),
          linesPerKind,
          child.stderr());
      assertEquals(4, child.stderr().lines().count(), "nothing else on stderr: " + child.stderr());
    }
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void agentThreadsOutOfMemoryOrStoppedLeaveTheApplicationAndTheHooksWorking(
      Jdk jdk, @TempDir Path dir) throws Exception {
    String expected = run(jdk, ECHO);
    Path snapshot = dir.resolve("s.json");
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .jvmArgs("-Xmx64m")
            .property("timewait.faults", "oom")
            .agent("jmxDelay=0s,interval=100ms,hostInterval=100ms,snapshot=" + snapshot)
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send(ECHO);
      assertEquals(expected, child.awaitLine("echoed"), "while the agent thread runs out of heap");
      child.awaitReply("mbean", "mbean true", 15_000);
      Thread.sleep(300); // a few rounds of the background thread
      child.send("stop-agent-threads");
      assertEquals("stopped 2", child.awaitLine("stopped"), "timewait-agent and timewait-host");
      child.send(ECHO);
      assertEquals(expected, child.awaitLine("echoed"), "with the agent's threads gone");
      child.send("attr Closes ActiveCloses");
      assertEquals("attr 600", child.awaitLine("attr"), "the hooks still count");
      child.send("attr Agent ErrorCount");
      assertTrue(Long.parseLong(child.awaitLine("attr").substring(5)) >= 2, "OOMs counted");
      child.send("exit");
      child.finish(30);
      assertTrue(
          child.stderr().contains("timewait: periodic scan failed: java.lang.OutOfMemoryError"),
          child.stderr());
      assertEquals(1, child.stderr().lines().count(), "one line: " + child.stderr());
    }
    JsonNode last = new ObjectMapper().readTree(Files.readString(snapshot));
    assertEquals(600, last.get("totals").get("byRole").get("CLIENT").get("active").asLong());
    assertEquals(600, last.get("totals").get("byRole").get("SERVER").get("passive").asLong());
  }

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void oddProcTreeIsReportedAsMissingWhileClosesAreCounted(Jdk jdk, @TempDir Path dir)
      throws Exception {
    Path root = dir.resolve("host");
    Files.createDirectories(root.resolve("proc/net"));
    Files.createDirectories(root.resolve("proc/sys/net/ipv4"));
    Files.writeString(
        root.resolve("proc/net/tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout"
            + " inode\n"
            + "   0: 0100007F:1F90 0100007F:C350 06 00000000:00000000 03:000017A2 00000000     0\n"
            + "   1: 0100007F:1F\n"
            + "   2: ZZZZZZZZ:QQQQ 0100007F:C350 99 garbage\n"
            + "\u0000\u00ff\u0001 not a row at all\n");
    Files.createDirectories(root.resolve("proc/net/tcp6")); // unreadable: a folder, not a file
    Files.writeString(root.resolve("proc/net/sockstat"), "TCP: inuse x orphan\n");
    Files.writeString(root.resolve("proc/net/netstat"), "TcpExt: TW\nTcpExt:\n");
    Files.writeString(root.resolve("proc/sys/net/ipv4/ip_local_port_range"), "lots\n");
    String expected = run(jdk, ECHO);
    Path snapshot = dir.resolve("s.json");
    try (ChildJvm child =
        ChildJvm.on(jdk)
            .agent(
                "jmxDelay=0s,interval=100ms,hostInterval=100ms,tableInterval=100ms,hostRoot="
                    + root
                    + ",snapshot="
                    + snapshot)
            .mainClass(LifecycleApp.class)
            .start()) {
      child.awaitLine("ready");
      child.send(ECHO);
      assertEquals(expected, child.awaitLine("echoed"));
      child.awaitReply("mbean", "mbean true", 15_000);
      Thread.sleep(300); // a few host samples
      child.send("attr Closes ActiveCloses");
      assertEquals("attr 300", child.awaitLine("attr"));
      // the first table sample comes a little after the counters: ask until it has been taken
      String unavailable = "";
      for (long end = System.nanoTime() + 15_000_000_000L;
          !unavailable.contains("/proc/net/tcp6") && System.nanoTime() < end; ) {
        child.send("attr Host Unavailable");
        unavailable = child.awaitLine("attr");
        Thread.sleep(200);
      }
      assertTrue(unavailable.contains("/proc/net/tcp6"), unavailable);
      assertTrue(unavailable.contains("ip_local_port_range"), unavailable);
      child.send("attr Agent ErrorCount");
      assertEquals("attr 0", child.awaitLine("attr"), "odd data is not an error");
      child.send("exit");
      child.finish(30);
      assertEquals("", child.stderr());
    }
    JsonNode host = new ObjectMapper().readTree(Files.readString(snapshot)).get("host");
    assertTrue(host.get("unavailable").size() >= 3, host.toString());
    assertEquals("linux-proc", host.get("collector").asText());
  }

  /** Runs the echo scenario without the agent and returns what the application printed. */
  private static String run(Jdk jdk, String command) throws Exception {
    try (ChildJvm child = ChildJvm.on(jdk).mainClass(LifecycleApp.class).start()) {
      child.awaitLine("ready");
      child.send(command);
      String line = child.awaitLine("echoed");
      child.send("exit");
      child.finish(30);
      return line;
    }
  }

  /** Agent error lines ({@code timewait: KIND failed: ...}) counted by kind. */
  static Map<String, Long> agentErrorLinesByKind(String stderr) {
    return stderr
        .lines()
        .filter(l -> l.startsWith("timewait: ") && l.contains(" failed: "))
        .map(l -> l.substring("timewait: ".length(), l.indexOf(" failed: ")))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }
}
