package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.TimeWaitOverflowGuard;
import dev.timewait.testing.Tuple;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closes that cross the peer's FIN ({@link RacingCloses}) come out as the kernel has them: the
 * client connections the agent judged ACTIVE are those the kernel holds in TIME_WAIT on the client
 * side, however the race went in each call. None the kernel holds is missed; a few judged ACTIVE
 * end without TIME_WAIT (bounded below).
 */
class RacingClosesIT {
  static final int CALLS = 200;

  static Stream<Arguments> runs() {
    List<Arguments> runs = new ArrayList<>();
    for (Path java : Jdk.all().stream().map(jdk -> jdk.home().resolve("bin/java")).toList()) {
      for (String kind : new String[] {"socket", "channel"}) {
        runs.add(Arguments.of(java, kind));
      }
    }
    return runs.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("runs")
  void everyRacedCloseIsJudgedAsTheKernelHasIt(Path java, String kind, @TempDir Path dir)
      throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs /proc/net/tcp (Linux)");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    Path snapshot = dir.resolve("snapshot.json");
    List<String> lines;
    try (ChildJvm child =
        ChildJvm.on(new Jdk(java.getParent().getParent()))
            .jvmArgs(
                List.of(
                    "-javaagent:"
                        + ChildJvm.agentJar()
                        + "=snapshot="
                        + snapshot
                        + ",interval=1s,host=false"))
            .mainClass(RacingCloses.class)
            .args(List.of(kind, Integer.toString(CALLS)))
            .start()) {
      lines = child.finish(120);
      assertFalse(child.stderr().contains("timewait:"), child.stderr());
    }
    KernelTcpTable kernel = KernelTcpTable.read();
    guard.assumeTableHadRoom();
    JsonNode snap = new ObjectMapper().readTree(Files.readString(snapshot));

    Set<String> kernelActive = new TreeSet<>();
    Set<String> calls = new TreeSet<>();
    for (String line : lines) {
      if (line.startsWith("call ")) {
        String[] f = line.split(" ");
        String client = f[1].substring(7);
        String server = f[2].substring(7);
        calls.add(client);
        if (kernel.inTimeWait(Tuple.parse(client, server))) {
          kernelActive.add(client);
        }
      }
    }
    assertEquals(CALLS, calls.size());
    Set<String> agentActive = new TreeSet<>();
    for (JsonNode e : snap.get("recentActiveCloses")) {
      if (e.get("role").asText().equals("CLIENT") && calls.contains(normal(e.get("local")))) {
        agentActive.add(normal(e.get("local")));
      }
    }
    JsonNode client = snap.get("totals").get("byRole").get("CLIENT");
    long judged =
        client.get("active").asLong()
            + client.get("passive").asLong()
            + client.get("abortive").asLong();
    assertEquals(CALLS, judged, "every close judged once: " + client);
    Set<String> missed = new TreeSet<>(kernelActive);
    missed.removeAll(agentActive);
    Set<String> extra = new TreeSet<>(agentActive);
    extra.removeAll(kernelActive);
    System.out.printf(
        "%s %s: the kernel has %d of %d client closes first, the agent %d (%d missed, %d extra)%n",
        java, kind, kernelActive.size(), CALLS, agentActive.size(), missed.size(), extra.size());
    assertEquals(Set.of(), missed, "every close the kernel holds in TIME_WAIT is ACTIVE");
    if (kind.equals("socket")) {
      // java.net.Socket sends its FIN with a shutdown and keeps the descriptor: the state right
      // after it is the kernel's own answer. Yet up to 2 calls in 200 on JDK 25 (none seen on 17)
      // leave no TIME_WAIT on the client after a state read as ours first; not understood yet,
      // so bounded here rather than hidden
      assertTrue(
          extra.size() <= CALLS / 50, "at most 2% judged ACTIVE without TIME_WAIT: " + extra);
    } else {
      // a SocketChannel's FIN leaves with close() itself: the last answer comes a system call
      // before it, and a peer's FIN arriving in between is missed
      // (0-2 calls in 200 on JDK 17, up to 7 on JDK 25, in full runs)
      assertTrue(extra.size() <= CALLS / 20, "at most 5% judged before a crossing FIN: " + extra);
    }
  }

  /** The snapshot writes addresses as RFC 5952; the child prints the JDK's form. */
  private static String normal(JsonNode endpoint) throws Exception {
    String text = endpoint.asText();
    int colon = text.lastIndexOf(':');
    String ip =
        InetAddress.getByName(text.substring(0, colon).replaceAll("[\\[\\]]", "")).getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + text.substring(colon);
  }
}
