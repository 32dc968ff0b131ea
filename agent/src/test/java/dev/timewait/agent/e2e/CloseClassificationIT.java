package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.timewait.core.host.TimeWaitOverflowGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every close path, in a child JVM with the shaded agent jar, on each installed JDK, loaded with
 * {@code -javaagent} and attached at run time, over IPv4 and IPv6 loopback. Each verdict is checked
 * against the kernel: an ACTIVE close leaves its 4-tuple in TIME_WAIT on the closing side; PASSIVE
 * and ABORTIVE closes leave none there.
 */
class CloseClassificationIT {
  enum Side {
    CLIENT,
    SERVER,
    NONE
  }

  /** Case name, the client's verdict, and which side must hold TIME_WAIT. */
  record Expected(String name, String clientKind, Side timeWait) {}

  static final List<Expected> CASES =
      List.of(
          new Expected("socketClientActive", "active", Side.CLIENT),
          new Expected("channelClientActive", "active", Side.CLIENT),
          new Expected("selectorClientActive", "active", Side.CLIENT),
          new Expected("asyncClientActive", "active", Side.CLIENT),
          new Expected("httpClientConnectionClose", "active", Side.CLIENT),
          new Expected("httpClientSendAsync", "active", Side.CLIENT),
          new Expected("serverActive", "passive", Side.SERVER),
          new Expected("passiveAfterEof", "passive", Side.SERVER),
          new Expected("passiveWithFinUnread", "passive", Side.SERVER),
          new Expected("shutdownOutputThenEof", "active", Side.CLIENT),
          new Expected("lingerZero", "abortive", Side.NONE),
          new Expected("interruptClose", "active", Side.CLIENT));

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Path java : ChildJvm.javas()) {
      for (boolean attach : new boolean[] {false, true}) {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
          runs.add(Arguments.of(java, attach, host));
        }
      }
    }
    return runs.stream();
  }

  @ParameterizedTest(name = "{0} attach={1} {2}")
  @MethodSource("runs")
  void verdictsAgreeWithTheKernel(Path java, boolean attach, String host, @TempDir Path dir)
      throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp (Linux)");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    Path snapshot = dir.resolve("snapshot.json");
    String options = "snapshot=" + snapshot + ",interval=1s";
    List<String> jvmArgs = new ArrayList<>();
    List<String> args = new ArrayList<>(List.of(host));
    if (attach) {
      jvmArgs.add("-XX:+EnableDynamicAgentLoading");
      args.add("--wait-for-agent");
    } else {
      jvmArgs.add("-javaagent:" + ChildJvm.AGENT_JAR + "=" + options);
    }
    List<String> lines;
    try (ChildJvm child = ChildJvm.start(java, jvmArgs, CloseScenarios.class, args)) {
      if (attach) {
        child.awaitLine("ready");
        VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
        try {
          vm.loadAgent(ChildJvm.AGENT_JAR.toString(), options);
        } finally {
          vm.detach();
        }
      }
      lines = child.finish(60);
      assertFalse(child.stderr().contains("timewait:"), "agent complained:\n" + child.stderr());
      assertFalse(child.stderr().contains("WARNING"), "JVM warned:\n" + child.stderr());
    }
    KernelTcpTable kernel = KernelTcpTable.read();
    guard.assumeTableHadRoom();
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
    Map<String, String[]> tuples = tuples(lines);
    assertEquals(CASES.size(), tuples.size(), "cases reported: " + lines);

    int clientActive = 0;
    for (Expected c : CASES) {
      String[] t = tuples.get(c.name());
      String client = t[0];
      String server = t[1];
      JsonNode row = clientRow(snap, c.name());
      assertEquals(1, row.get(c.clientKind()).asLong(), c.name() + ": " + row);
      assertEquals(
          1,
          row.get("active").asLong() + row.get("passive").asLong() + row.get("abortive").asLong(),
          c.name() + " counted once: " + row);
      boolean clientTw = kernel.inTimeWait(client, server);
      boolean serverTw = kernel.inTimeWait(server, client);
      assertEquals(
          c.timeWait() == Side.CLIENT, clientTw, c.name() + ": client TIME_WAIT in kernel");
      assertEquals(
          c.timeWait() == Side.SERVER, serverTw, c.name() + ": server TIME_WAIT in kernel");
      if (c.timeWait() == Side.CLIENT) {
        clientActive++;
        assertTrue(recent(snap, client, server, "CLIENT"), c.name() + ": recent active close");
      }
      if (c.timeWait() == Side.SERVER) {
        assertTrue(recent(snap, server, client, "SERVER"), c.name() + ": recent active close");
      }
    }
    JsonNode byRole = snap.get("totals").get("byRole");
    assertEquals(clientActive, byRole.get("CLIENT").get("active").asLong());
    assertEquals(3, byRole.get("SERVER").get("active").asLong(), "servers that closed first");
    assertEquals(CASES.size() - 3, byRole.get("SERVER").get("passive").asLong());
    assertEquals(0, byRole.get("UNKNOWN").get("active").asLong());
    assertEquals(clientActive + 3, snap.get("recentActiveCloses").size());
  }

  /** The client's site row of a case: its open site is in the case's method. */
  private static JsonNode clientRow(JsonNode snap, String name) {
    JsonNode found = null;
    for (JsonNode row : snap.get("sites")) {
      if (row.get("role").asText().equals("CLIENT")
          && row.get("openSite").asText().contains("CloseScenarios." + name + "(")) {
        assertEquals(null, found, name + ": one site row");
        found = row;
      }
    }
    assertTrue(
        found != null, name + ": no CLIENT site row opened in " + name + ": " + snap.get("sites"));
    return found;
  }

  private static boolean recent(JsonNode snap, String local, String remote, String role) {
    for (JsonNode e : snap.get("recentActiveCloses")) {
      if (sameEndpoint(e.get("local").asText(), local)
          && sameEndpoint(e.get("remote").asText(), remote)
          && e.get("role").asText().equals(role)) {
        return true;
      }
    }
    return false;
  }

  /** {@code ip:port} texts naming the same endpoint, whatever the IPv6 notation. */
  private static boolean sameEndpoint(String a, String b) {
    int ca = a.lastIndexOf(':');
    int cb = b.lastIndexOf(':');
    if (ca < 0 || cb < 0 || !a.substring(ca).equals(b.substring(cb))) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(a.substring(0, ca).replaceAll("[\\[\\]]", ""))
          .equals(java.net.InetAddress.getByName(b.substring(0, cb).replaceAll("[\\[\\]]", "")));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static Map<String, String[]> tuples(List<String> lines) {
    Map<String, String[]> out = new HashMap<>();
    for (String line : lines) {
      if (line.startsWith("case=")) {
        String[] f = line.split(" ");
        out.put(f[0].substring(5), new String[] {f[1].substring(7), f[2].substring(7)});
      }
    }
    return out;
  }
}
