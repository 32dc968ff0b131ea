package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.tools.attach.VirtualMachine;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.TimeWaitOverflowGuard;
import dev.timewait.testing.Tuple;
import java.io.File;
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
 * Netty's own sockets, in a child JVM with the shaded agent jar, on each installed JDK: the native
 * epoll and io_uring transports, the NIO transport, and the relocated copy of Netty inside {@code
 * grpc-netty-shaded}; loaded with {@code -javaagent} and, for epoll, attached after Netty's classes
 * were loaded. Each verdict is checked against the kernel's TIME_WAIT 4-tuples, each site against
 * the method that asked for the connect or the close on the application's thread, though both ran
 * on Netty's event loops.
 */
class NettyTransportsIT {
  enum Side {
    CLIENT,
    SERVER,
    NONE
  }

  record Expected(String name, String clientKind, Side timeWait, String closeSite) {}

  static final List<Expected> CASES =
      List.of(
          new Expected("clientFirst", "active", Side.CLIENT, "clientFirst("),
          new Expected("serverFirst", "passive", Side.SERVER, null),
          new Expected("halfCloseFirst", "active", Side.CLIENT, null),
          new Expected("lingerZero", "abortive", Side.NONE, "lingerZero("));

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Path java : Jdk.all().stream().map(jdk -> jdk.home().resolve("bin/java")).toList()) {
      for (String transport : new String[] {"epoll", "io_uring", "nio", "shaded-epoll"}) {
        runs.add(Arguments.of(java, transport, false));
      }
      runs.add(Arguments.of(java, "epoll", true));
    }
    return runs.stream();
  }

  /** The jars of one copy of Netty from this JVM's class path. */
  private static List<Path> jars(boolean shaded) {
    List<Path> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      boolean grpc = entry.contains("grpc-netty-shaded");
      if (shaded ? grpc : entry.contains(File.separator + "io" + File.separator + "netty")) {
        jars.add(Path.of(entry));
      }
    }
    return jars;
  }

  @ParameterizedTest(name = "{0} {1} attach={2}")
  @MethodSource("runs")
  void verdictsAndSitesAgreeWithTheKernel(
      Path java, String transport, boolean attach, @TempDir Path dir) throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp (Linux)");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    boolean shaded = transport.startsWith("shaded-");
    Class<?> app = shaded ? ShadedNettyScenarios.class : NettyScenarios.class;
    Path snapshot = dir.resolve("snapshot.json");
    String options = "snapshot=" + snapshot + ",interval=1s";
    List<String> jvmArgs = new ArrayList<>();
    List<String> args = new ArrayList<>(List.of(transport.replace("shaded-", ""), "127.0.0.1"));
    if (attach) {
      jvmArgs.add("-XX:+EnableDynamicAgentLoading");
      args.add("--wait-for-agent");
    } else {
      jvmArgs.add("-javaagent:" + ChildJvm.agentJar() + "=" + options);
    }
    List<String> lines;
    String stderr;
    try (ChildJvm child =
        ChildJvm.on(new Jdk(java.getParent().getParent()))
            .jvmArgs(jvmArgs)
            .classPath(jars(shaded).toArray(new Path[0]))
            .mainClass(app)
            .args(args)
            .start()) {
      if (attach) {
        String ready = child.awaitLine("ready");
        assumeFalse(ready.startsWith("unavailable"), ready);
        VirtualMachine vm = VirtualMachine.attach(Long.toString(child.pid()));
        try {
          vm.loadAgent(ChildJvm.agentJar().toString(), options);
        } finally {
          vm.detach();
        }
      }
      lines = child.finish(60);
      stderr = child.stderr();
    }
    assumeFalse(
        !lines.isEmpty() && lines.get(0).startsWith("unavailable"),
        transport + " cannot run here: " + lines);
    assertFalse(stderr.contains("timewait:"), "agent complained:\n" + stderr);
    KernelTcpTable kernel = KernelTcpTable.read();
    guard.assumeTableHadRoom();
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));
    Map<String, String[]> tuples = tuples(lines);
    assertEquals(CASES.size(), tuples.size(), "cases reported: " + lines);

    String via = shaded ? "io.grpc:grpc-netty-shaded:1.85.1" : "io.netty:netty-transport:";
    int clientActive = 0;
    for (Expected c : CASES) {
      String[] t = tuples.get(c.name());
      assertEquals(
          c.timeWait() == Side.CLIENT,
          kernel.inTimeWait(Tuple.parse(t[0], t[1])),
          c.name() + ": client TW");
      assertEquals(
          c.timeWait() == Side.SERVER,
          kernel.inTimeWait(Tuple.parse(t[1], t[0])),
          c.name() + ": server TW");
      if (c.timeWait() == Side.CLIENT) {
        clientActive++;
        assertTrue(recent(snap, t[0], t[1], "CLIENT"), c.name() + ": recent active close");
      }
      if (c.timeWait() == Side.SERVER) {
        assertTrue(recent(snap, t[1], t[0], "SERVER"), c.name() + ": recent active close");
      }
      if (c.closeSite() != null) {
        JsonNode row = row(snap, "CLIENT", app.getSimpleName() + "." + c.closeSite());
        assertEquals(1, row.get(c.clientKind()).asLong(), c.name() + ": " + row);
        assertTrue(row.get("via").asText().startsWith(via), c.name() + ": via " + row);
        if (!attach) {
          assertTrue(
              row.get("openSite").asText().contains(app.getSimpleName() + ".connect("),
              c.name() + ": the open site is the code that asked for the connect: " + row);
        }
      }
    }
    JsonNode byRole = snap.get("totals").get("byRole");
    assertEquals(clientActive, byRole.get("CLIENT").get("active").asLong(), byRole.toString());
    assertEquals(1, byRole.get("CLIENT").get("passive").asLong(), byRole.toString());
    assertEquals(1, byRole.get("CLIENT").get("abortive").asLong(), byRole.toString());
    assertEquals(1, byRole.get("SERVER").get("active").asLong(), "the server closed first once");
    assertEquals(0, byRole.get("UNKNOWN").get("active").asLong());
    JsonNode serverRow = row(snap, "SERVER", "ServerHandler.channelRead(");
    assertEquals(1, serverRow.get("active").asLong(), serverRow.toString());
    if (!attach) {
      assertTrue(
          serverRow.get("openSite").asText().contains(app.getSimpleName() + ".startServer("),
          "an accepted connection's open site is the code that started the server: " + serverRow);
    }
  }

  private static JsonNode row(JsonNode snap, String role, String closeSite) {
    for (JsonNode row : snap.get("sites")) {
      if (row.get("role").asText().equals(role) && row.get("site").asText().contains(closeSite)) {
        return row;
      }
    }
    throw new AssertionError(
        "no " + role + " row closed at " + closeSite + ": " + snap.get("sites"));
  }

  private static boolean recent(JsonNode snap, String local, String remote, String role) {
    for (JsonNode e : snap.get("recentActiveCloses")) {
      if (e.get("local").asText().equals(local)
          && e.get("remote").asText().equals(remote)
          && e.get("role").asText().equals(role)) {
        return true;
      }
    }
    return false;
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
