package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.NetNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exact totals at scale, against the kernel: 8 threads make 40,000 connections through the agent in
 * a network namespace of their own ({@code tcp_tw_reuse} 0, room for every TIME_WAIT socket), each
 * closed first by the client. The agent's ACTIVE client closes equal the TIME_WAIT sockets the
 * namespace's kernel counted ({@code TW} plus {@code TCPTimeWaitOverflow}), its PASSIVE server
 * closes equal the connections, and nothing is ABORTIVE; the table's TIME_WAIT rows are printed
 * beside.
 */
class ExactTotalsIT {
  static final int THREADS = 8;
  static final int CONNECTIONS = 5_000;

  @ParameterizedTest(name = "{0}")
  @MethodSource(Jdk.ALL)
  void everyCloseIsCountedOnceAsTheKernelHasIt(Jdk jdk, @TempDir Path dir) throws Exception {
    String why = NetNamespace.unavailable();
    assumeTrue(why == null, why + ": skipped");
    long total = (long) THREADS * CONNECTIONS;
    Path snapshot = dir.resolve("s.json");
    try (NetNamespace ns = NetNamespace.create()) {
      ns.sysctl("net/ipv4/tcp_max_tw_buckets", "262144");
      ns.ephemeralPorts(10000, 60999);
      Map<String, Long> before = ns.nstat();
      String done;
      try (ChildJvm child =
          ChildJvm.on(jdk)
              .launcher(ns.launcher())
              .agent("jmxDelay=0s,host=false,snapshot=" + snapshot)
              .mainClass(LoadApp.class)
              .args(Integer.toString(THREADS), Integer.toString(CONNECTIONS), "client-first")
              .timeout(Duration.ofSeconds(120))
              .start()) {
        done = child.awaitLine("loaded");
        child.finish(60);
      }
      // read at once: the first TIME_WAIT sockets leave after 60 s
      long timeWait = timeWaitRows(ns);
      Map<String, Long> after = ns.nstat();
      assertEquals(
          "loaded client " + total + " server " + total + " failures 0 errors 0",
          done.substring(0, done.indexOf(" millis")));
      JsonNode totals = new ObjectMapper().readTree(Files.readString(snapshot)).get("totals");
      JsonNode client = totals.get("byRole").get("CLIENT");
      JsonNode server = totals.get("byRole").get("SERVER");
      long twCounter = delta(before, after, "TcpExtTW");
      long overflow = delta(before, after, "TcpExtTCPTimeWaitOverflow");
      System.out.printf(
          "%s: %d connections; agent %d active client, %d passive server; kernel %d TIME_WAIT"
              + " rows, TW +%d, TCPTimeWaitOverflow +%d%n",
          jdk,
          total,
          client.get("active").asLong(),
          server.get("passive").asLong(),
          timeWait,
          twCounter,
          overflow);
      assertEquals(0, overflow, "the namespace's table had room for every TIME_WAIT socket");
      // The kernel counts each TIME_WAIT socket as it enters (TcpExt TW): exact. A dump of 40,000
      // rows can miss one of them now and then, so the table only bounds it.
      assertEquals(total, twCounter, "the kernel: one TIME_WAIT socket per connection");
      assertTrue(timeWait >= total - total / 1000, "the table holds them: " + timeWait);
      assertEquals(twCounter + overflow, client.get("active").asLong(), totals.toString());
      assertEquals(total, server.get("passive").asLong(), totals.toString());
      assertEquals(0, totals.get("abortive").asLong(), totals.toString());
      assertEquals(total, totals.get("active").asLong(), totals.toString());
    }
  }

  private static long timeWaitRows(NetNamespace ns) throws Exception {
    long n = 0;
    for (String file : new String[] {"tcp", "tcp6"}) {
      for (KernelTcpTable.Row row : KernelTcpTable.parse(Files.readString(ns.procNet(file)))) {
        if (row.state() == KernelTcpTable.TIME_WAIT) {
          n++;
        }
      }
    }
    return n;
  }

  private static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
    return after.getOrDefault(name, 0L) - before.getOrDefault(name, 0L);
  }
}
