package dev.timewait.agent.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.Churn;
import dev.timewait.testing.Jdk;
import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.NetNamespace;
import dev.timewait.testing.Tuple;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's own findings on the live kernel: a JVM with the agent churns 50 connections a second
 * to one loopback destination in a network namespace of its own with 1,000 ephemeral ports (as in
 * docs/LIVE-KERNEL.md). With {@code tcp_tw_reuse} 0 the Findings MBean raises {@code
 * PORT_EXHAUSTION_RISK} critical, naming the code site, before the kernel's first {@code
 * EADDRNOTAVAIL}; with 1 nothing fails, {@code TWRecycled} grows and nothing critical is raised. A
 * third namespace has the server close first: the kernel holds TIME_WAIT on the server's port only,
 * and {@code SERVER_ACTIVE_CLOSE} names the closing code.
 */
class LiveKernelAgentIT {

  private static final String TARGET = "127.0.0.1:5000";
  private static final String SITE = "ChurnApp";

  @ParameterizedTest
  @MethodSource(Jdk.ALL)
  void theFindingsMBeanForecastsWhatTheKernelDoes(Jdk jdk) throws Exception {
    String why = NetNamespace.unavailable();
    assumeTrue(why == null, "live-kernel experiment skipped: " + why);
    assumeTrue(NetNamespace.Commands.which("nstat") != null, "needs nstat (iproute2)");
    // Both namespaces at once: the churns take 21 s each.
    CompletableFuture<Void> withoutReuse = CompletableFuture.runAsync(() -> run(jdk, "0"));
    CompletableFuture<Void> withReuse = CompletableFuture.runAsync(() -> run(jdk, "1"));
    CompletableFuture<Void> serverFirst = CompletableFuture.runAsync(() -> run(jdk, "server"));
    try {
      withoutReuse.get();
      withReuse.get();
      serverFirst.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static void run(Jdk jdk, String reuse) {
    try {
      if (reuse.equals("server")) {
        serverClosesFirst(jdk);
        return;
      }
      experiment(jdk, reuse);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private static void experiment(Jdk jdk, String reuse) throws Exception {
    try (NetNamespace ns = NetNamespace.create()) {
      ns.ephemeralPorts(40000, 40999);
      ns.sysctl("net/ipv4/tcp_tw_reuse", reuse);
      Map<String, Long> before = ns.nstat();
      ChildJvm.Builder builder =
          ChildJvm.on(jdk)
              .agent(
                  "jmxDelay=0s,interval=500ms,hostInterval=500ms,tableInterval=500ms,"
                      + "appPackages=dev.timewait.testing.");
      Churn.Result result;
      List<String> findings = new ArrayList<>();
      try (Churn churn =
          Churn.start(
              builder,
              ns,
              "serve=" + TARGET,
              "to=" + TARGET,
              "rate=50",
              "count=1050",
              "findings=true")) {
        result = churn.results(1).get(TARGET);
        for (String line : churn.stdout()) {
          if (line.startsWith("finding ")) {
            findings.add(line);
          }
        }
      }
      long recycled =
          ns.nstat().getOrDefault("TcpExtTWRecycled", 0L)
              - before.getOrDefault("TcpExtTWRecycled", 0L);
      String critical = first(findings, "finding PORT_EXHAUSTION_RISK critical ");
      if (reuse.equals("0")) {
        assertTrue(result.addrNotAvail() > 0, "kernel: no EADDRNOTAVAIL: " + result);
        assertTrue(critical != null, "no critical PORT_EXHAUSTION_RISK: " + findings);
        long raisedAt = Long.parseLong(critical.split(" ")[3]);
        assertTrue(
            raisedAt < result.firstFailMillis(),
            "raised " + (raisedAt - result.firstFailMillis()) + " ms after the first failure");
        assertTrue(critical.contains(SITE), "the finding names the site: " + critical);
        Matcher eta = Pattern.compile("run out in (\\d+) s").matcher(critical);
        assertTrue(eta.find(), "a time to exhaustion: " + critical);
        // As in the analyzer's LiveKernelIT: within 3 s or 15 % of the time to the failure.
        long error = raisedAt + Long.parseLong(eta.group(1)) * 1000 - result.firstFailMillis();
        long horizon = result.firstFailMillis() - result.startMillis();
        assertTrue(
            Math.abs(error) <= Math.max(3000, horizon * 0.15),
            "forecast " + error + " ms off the first EADDRNOTAVAIL: " + critical);
        System.out.printf(
            Locale.ROOT,
            "figure %s tcp_tw_reuse 0: PORT_EXHAUSTION_RISK critical at %.1f s (\"%s\"), first"
                + " EADDRNOTAVAIL at %.1f s after %d connections (%+.1f s off)%n",
            jdk,
            (raisedAt - result.startMillis()) / 1000.0,
            critical.substring(critical.indexOf("At "), critical.indexOf(" | ")),
            result.secondsToFirstFail(),
            result.openedBeforeFail(),
            error / 1000.0);
      } else {
        assertEquals(0, result.failed(), "kernel: " + result);
        assertTrue(recycled > 0, "TcpExt TWRecycled did not grow");
        assertFalse(critical != null, "a failure the kernel did not produce: " + critical);
        System.out.printf(
            Locale.ROOT,
            "figure %s tcp_tw_reuse 1: %d opened, 0 failed, TWRecycled +%d, no critical finding"
                + " (%d findings raised)%n",
            jdk,
            result.opened(),
            recycled,
            findings.size());
      }
    }
  }

  /**
   * The server closes first: the kernel holds the TIME_WAIT sockets on the server's port and none
   * on the client's side, and the Findings MBean raises {@code SERVER_ACTIVE_CLOSE} naming the code
   * that closes.
   */
  private static void serverClosesFirst(Jdk jdk) throws Exception {
    try (NetNamespace ns = NetNamespace.create()) {
      ChildJvm.Builder builder =
          ChildJvm.on(jdk)
              .agent(
                  "jmxDelay=0s,interval=500ms,hostInterval=500ms,tableInterval=500ms,"
                      + "appPackages=dev.timewait.testing.");
      Churn.Result result;
      List<String> findings = new ArrayList<>();
      long serverSide = 0;
      long clientSide = 0;
      try (Churn churn =
          Churn.start(
              builder,
              ns,
              "serve=" + TARGET,
              "to=" + TARGET,
              "rate=100",
              "count=300",
              "close=server",
              "findings=true")) {
        result = churn.results(1).get(TARGET);
        Thread.sleep(2000); // two findings intervals after the last close
        // The kernel's socket hash is shared by every namespace, and a read of /proc/net/tcp that
        // runs while the other experiments' churns change it can skip an entry: the union of a few
        // reads is the table (no TIME_WAIT comes or goes here meanwhile).
        Set<Tuple> server = new HashSet<>();
        Set<Tuple> client = new HashSet<>();
        for (int read = 0; read < 5; read++) {
          for (String file : new String[] {"tcp", "tcp6"}) {
            for (KernelTcpTable.Row row :
                KernelTcpTable.parse(Files.readString(ns.procNet(file)))) {
              if (row.state() == KernelTcpTable.TIME_WAIT) {
                if (row.tuple().localPort() == 5000) {
                  server.add(row.tuple());
                } else if (row.tuple().remotePort() == 5000) {
                  client.add(row.tuple());
                }
              }
            }
          }
          Thread.sleep(100);
        }
        serverSide = server.size();
        clientSide = client.size();
        for (String line : churn.stdout()) {
          if (line.startsWith("finding ")) {
            findings.add(line);
          }
        }
      }
      assertEquals(0, result.failed(), "kernel: " + result);
      // one TIME_WAIT per 4-tuple: a client port handed out again would take its 4-tuple's over
      assertEquals(result.ports(), serverSide, "the kernel: TIME_WAIT on the server's port");
      assertEquals(0, clientSide, "the kernel: no TIME_WAIT on the client's side");
      String raised = first(findings, "finding SERVER_ACTIVE_CLOSE ");
      assertTrue(raised != null, "no SERVER_ACTIVE_CLOSE: " + findings);
      String advice = raised.substring(raised.lastIndexOf(" | ") + 3);
      Matcher site = Pattern.compile(SITE + "\\.[\\w$]+\\(").matcher(advice);
      assertTrue(site.find(), "the advice names the closing method: " + raised);
      System.out.printf(
          Locale.ROOT,
          "figure %s server closes first: %d connections, %d TIME_WAIT on the server's port, 0 on"
              + " the client's; SERVER_ACTIVE_CLOSE names %s%n",
          jdk,
          result.opened(),
          serverSide,
          site.group());
    }
  }

  private static String first(List<String> lines, String prefix) {
    for (String line : lines) {
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    return null;
  }
}
