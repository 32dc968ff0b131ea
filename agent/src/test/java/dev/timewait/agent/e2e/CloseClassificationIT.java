package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.TimeWaitOverflowGuard;
import dev.timewait.testing.Tuple;
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
          new Expected("passiveAfterIdle", "passive", Side.SERVER),
          new Expected("shutdownOutputThenEof", "active", Side.CLIENT),
          new Expected("lingerZero", "abortive", Side.NONE),
          new Expected("interruptClose", "active", Side.CLIENT),
          new Expected("selectorUnreadThenPeerFin", "active", Side.CLIENT),
          new Expected("selectorUnreadReset", "abortive", Side.NONE),
          new Expected("lateDataAfterFin", "abortive", Side.NONE));

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (boolean attach : new boolean[] {false, true}) {
        for (String host : new String[] {"127.0.0.1", "::1"}) {
          runs.add(Arguments.of(jdk, attach, host));
        }
      }
    }
    return runs.stream();
  }

  @ParameterizedTest(name = "{0} attach={1} {2}")
  @MethodSource("runs")
  void verdictsAgreeWithTheKernel(Jdk jdk, boolean attach, String host, @TempDir Path dir)
      throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp (Linux)");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    Path snapshot = dir.resolve("snapshot.json");
    String options = "snapshot=" + snapshot + ",interval=1s";
    ChildJvm.Builder builder = ChildJvm.on(jdk).mainClass(CloseScenarios.class).args(host);
    if (attach) {
      builder.jvmArgs("-XX:+EnableDynamicAgentLoading").args("--wait-for-agent");
    } else {
      builder.agent(options);
    }
    List<String> lines;
    try (ChildJvm child = builder.start()) {
      if (attach) {
        child.awaitLine("ready");
        VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
        try {
          vm.loadAgent(ChildJvm.agentJar().toString(), options);
        } finally {
          vm.detach();
        }
      }
      lines = child.finish(60);
      assertFalse(child.stderr().contains("timewait:"), "agent complained:\n" + child.stderr());
      assertFalse(child.stderr().contains("WARNING"), "JVM warned:\n" + child.stderr());
    }
    Map<String, Tuple> tuples = tuples(lines);
    assertEquals(CASES.size(), tuples.size(), "cases reported: " + lines);
    KernelTcpTable kernel = awaitKernel(tuples);
    guard.assumeTableHadRoom();
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));

    int clientActive = 0;
    for (Expected c : CASES) {
      Tuple client = tuples.get(c.name());
      JsonNode row = clientRow(snap, c.name());
      assertEquals(1, row.get(c.clientKind()).asLong(), c.name() + ": " + row);
      assertEquals(
          1,
          row.get("active").asLong() + row.get("passive").asLong() + row.get("abortive").asLong(),
          c.name() + " counted once: " + row);
      boolean clientTw = kernel.inTimeWait(client);
      boolean serverTw = kernel.inTimeWait(client.reversed());
      assertEquals(
          c.timeWait() == Side.CLIENT, clientTw, c.name() + ": client TIME_WAIT in kernel");
      assertEquals(
          c.timeWait() == Side.SERVER, serverTw, c.name() + ": server TIME_WAIT in kernel");
      if (c.timeWait() == Side.CLIENT) {
        clientActive++;
        assertTrue(recent(snap, client, "CLIENT"), c.name() + ": recent active close");
      }
      if (c.timeWait() == Side.SERVER) {
        assertTrue(recent(snap, client.reversed(), "SERVER"), c.name() + ": recent active close");
      }
    }
    JsonNode byRole = snap.get("totals").get("byRole");
    long serversFirst = CASES.stream().filter(c -> c.timeWait() == Side.SERVER).count();
    assertEquals(clientActive, byRole.get("CLIENT").get("active").asLong());
    assertEquals(
        serversFirst, byRole.get("SERVER").get("active").asLong(), "servers that closed first");
    assertEquals(CASES.size() - serversFirst, byRole.get("SERVER").get("passive").asLong());
    for (Expected c : CASES) {
      JsonNode idle = endpoint(snap, tuples.get(c.name()).remote()).get("peerIdle");
      if (c.timeWait() != Side.SERVER) {
        assertNull(idle, c.name() + ": no idle time where the client's FIN was first");
        continue;
      }
      assertNotNull(idle, c.name() + ": the idle time before the server's FIN was read");
      assertEquals(1, idle.get("closes").asLong(), c.name() + ": " + idle);
      long max = idle.get("maxMillis").asLong();
      if (c.name().equals("passiveAfterIdle")) {
        assertTrue(
            max >= CloseScenarios.IDLE_MILLIS && max < CloseScenarios.IDLE_MILLIS + 400,
            c.name() + ": idle " + CloseScenarios.IDLE_MILLIS + " ms before the FIN: " + idle);
        assertEquals(max, idle.get("minIdleMillis").asLong(), c.name() + ": " + idle);
      } else {
        assertTrue(max < 1_000, c.name() + ": closed without sitting idle: " + idle);
      }
    }
    assertEquals(0, byRole.get("UNKNOWN").get("active").asLong());
    assertEquals(clientActive + serversFirst, snap.get("recentActiveCloses").size());
    assertEquals(
        1,
        snap.get("totals").get("resetAfterFin").asLong(),
        "lateDataAfterFin: active at its FIN, abortive once the kernel had dropped its 4-tuple");
  }

  /**
   * The kernel's table once every case's TIME_WAIT is where it is expected, or after 5 s: a last
   * FIN/ACK exchange may still run when the child has exited (its orphaned sockets finish it).
   */
  private static KernelTcpTable awaitKernel(Map<String, Tuple> tuples) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      KernelTcpTable kernel = KernelTcpTable.read();
      boolean settled = true;
      for (Expected c : CASES) {
        Tuple client = tuples.get(c.name());
        settled &=
            kernel.inTimeWait(client) == (c.timeWait() == Side.CLIENT)
                && kernel.inTimeWait(client.reversed()) == (c.timeWait() == Side.SERVER);
      }
      if (settled || System.nanoTime() > deadline) {
        return kernel;
      }
      Thread.sleep(50);
    }
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

  private static JsonNode endpoint(JsonNode snap, String remote) {
    for (JsonNode e : snap.get("endpoints")) {
      if (e.get("remote").asText().equals(remote)) {
        return e;
      }
    }
    throw new AssertionError("no endpoint " + remote + " in " + snap.get("endpoints"));
  }

  private static boolean recent(JsonNode snap, Tuple tuple, String role) {
    for (JsonNode e : snap.get("recentActiveCloses")) {
      if (Tuple.parse(e.get("local").asText(), e.get("remote").asText()).equals(tuple)
          && e.get("role").asText().equals(role)) {
        return true;
      }
    }
    return false;
  }

  /** The client's 4-tuple of each case, from {@code case=NAME client=IP:PORT server=IP:PORT}. */
  private static Map<String, Tuple> tuples(List<String> lines) {
    Map<String, Tuple> out = new HashMap<>();
    for (String line : lines) {
      if (line.startsWith("case=")) {
        String[] f = line.split(" ");
        out.put(f[0].substring(5), Tuple.parse(f[1].substring(7), f[2].substring(7)));
      }
    }
    return out;
  }
}
