package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.Tuple;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs each scenario in-process and compares what it promised with the kernel's own table. Every
 * test has its own server port, so TIME_WAIT sockets left by another test (they last 60 s) never
 * match its 4-tuples.
 */
class ScenarioKernelStateTest {
  private static final int REQUESTS = 20;
  private static final long SETTLE_MILLIS = 3000;

  @BeforeAll
  static void needsProcNetTcp() {
    Assumptions.assumeTrue(
        KernelTcpTable.available(),
        "no /proc/net/tcp: the kernel's socket table can only be checked on Linux");
  }

  private static ScenarioOptions options(int port) {
    return ScenarioOptions.defaults().withRequests(REQUESTS).withPort(port);
  }

  private static ScenarioResult runClean(Scenario scenario, ScenarioOptions options)
      throws Exception {
    ScenarioResult result = scenario.run(options);
    assertEquals(0, result.errors(), () -> "first error: " + result.firstError());
    assertEquals(options.requests(), result.requests());
    return result;
  }

  /** The state of the tuple's socket on its own side, or on the peer's side. */
  private static int state(KernelTcpTable table, ExpectedTuple tuple, boolean ownSide) {
    Tuple own = Tuple.of(tuple.local(), tuple.remote());
    return table.state(ownSide ? own : own.reversed());
  }

  /**
   * Polls the kernel until, for every tuple, its own side is in {@code ownState} and the peer's
   * side in {@code peerState} ({@link KernelTcpTable#NONE}: no socket); the last FIN may still be
   * on its way when a scenario returns.
   */
  private static void assertKernelEventually(
      List<ExpectedTuple> tuples, int ownState, int peerState) throws Exception {
    long deadline = System.currentTimeMillis() + SETTLE_MILLIS;
    List<String> problems;
    do {
      KernelTcpTable table = KernelTcpTable.read();
      problems = new ArrayList<>();
      for (ExpectedTuple tuple : tuples) {
        int own = state(table, tuple, true);
        int peer = state(table, tuple, false);
        if (own != ownState || peer != peerState) {
          problems.add(tuple.line("") + " own=" + own + " peer=" + peer);
        }
      }
      if (problems.isEmpty()) {
        return;
      }
      Thread.sleep(50);
    } while (System.currentTimeMillis() < deadline);
    fail(
        problems.size()
            + " of "
            + tuples.size()
            + " tuples not in the expected state (own "
            + ownState
            + ", peer "
            + peerState
            + "), e.g. "
            + problems.subList(0, Math.min(3, problems.size())));
  }

  @Test
  void clientChurnWithJdkHttpClientLeavesTimeWaitOnTheClientOnly() throws Exception {
    ScenarioResult result =
        runClean(
            new ClientChurnScenario(ClientChurnScenario.Client.JDK_HTTP_CLIENT), options(23101));

    assertEquals(REQUESTS, result.connections(), "a connection per request");
    assertTrue(result.expected().stream().allMatch(t -> t.side() == Side.CLIENT));
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void clientChurnWithSocketsLeavesTimeWaitOnTheClientOnly() throws Exception {
    ScenarioResult result =
        runClean(new ClientChurnScenario(ClientChurnScenario.Client.SOCKET), options(23102));

    assertEquals(REQUESTS, result.connections());
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void serverSideCloseLeavesTimeWaitOnTheServerPort() throws Exception {
    ScenarioResult result = runClean(new ServerSideCloseScenario(), options(23103));

    assertEquals(REQUESTS, result.connections());
    assertTrue(result.expected().stream().allMatch(t -> t.side() == Side.SERVER));
    assertTrue(result.expected().stream().allMatch(t -> t.local().getPort() == 23103));
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void aServerIdleCutoffShorterThanThePoolsLeavesTimeWaitOnTheServerPort() throws Exception {
    ScenarioResult result =
        runClean(
            new JdkHttpClientIdleCutoffScenario(),
            options(23109).withRequests(JdkHttpClientIdleCutoffScenario.CALLS));

    assertEquals(JdkHttpClientIdleCutoffScenario.CALLS, result.connections(), "one per request");
    assertTrue(result.expected().stream().allMatch(t -> t.side() == Side.SERVER));
    assertTrue(result.expected().stream().allMatch(t -> t.local().getPort() == 23109));
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void lingerZeroLeavesNoSocketOnEitherSide() throws Exception {
    ScenarioResult result = runClean(new LingerZeroScenario(), options(23104));

    assertEquals(REQUESTS, result.connections());
    assertEquals("none", result.timeWaitSide());
    assertKernelEventually(result.expected(), KernelTcpTable.NONE, KernelTcpTable.NONE);
  }

  @Test
  void closeWaitLeakHoldsClientSocketsInCloseWaitThenServerTimeWait() throws Exception {
    AtomicReference<Throwable> whileHeld = new AtomicReference<>();
    CloseWaitLeakScenario scenario =
        new CloseWaitLeakScenario(
            held -> {
              try {
                // while held: the client's side in CLOSE_WAIT, the server's in FIN_WAIT_2
                assertKernelEventually(held, KernelTcpTable.CLOSE_WAIT, KernelTcpTable.FIN_WAIT2);
              } catch (Throwable e) {
                whileHeld.set(e);
              }
            });

    ScenarioResult result = runClean(scenario, options(23105).withDuration(Duration.ofSeconds(2)));

    if (whileHeld.get() != null) {
      throw new AssertionError("while the sockets were held", whileHeld.get());
    }
    assertEquals(REQUESTS, result.count("CLOSE_WAIT"));
    List<ExpectedTuple> timeWait =
        result.expected().stream().filter(t -> t.state().equals("TIME_WAIT")).toList();
    assertEquals(REQUESTS, timeWait.size());
    assertKernelEventually(timeWait, KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void apacheHttpClientPerRequestLeavesTimeWaitPerRequestOnTheClient() throws Exception {
    ScenarioResult result = runClean(new ApacheHttpClientMisuseScenario(), options(23106));

    assertEquals(REQUESTS, result.connections(), "a new client per request: a connection each");
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void apacheHttpClientPooledLeavesAtMostThePoolInTimeWait() throws Exception {
    ScenarioResult result =
        runClean(new ApacheHttpClientPooledScenario(), options(23107).withRequests(100));

    assertTrue(
        result.connections() >= 1
            && result.connections() <= ApacheHttpClientPooledScenario.POOL_SIZE,
        "100 requests over " + result.connections() + " connections");
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }

  @Test
  void clientChurnOverIpv6LoopbackLeavesTimeWaitOnTheClient() throws Exception {
    InetAddress ipv6Loopback = InetAddress.getByName("::1");
    try (ServerSocket probe = new ServerSocket(0, 1, ipv6Loopback)) {
      // only checks that ::1 can be bound here
    } catch (IOException e) {
      Assumptions.abort("::1 cannot be bound on this host: " + e.getMessage());
    }
    ScenarioResult result =
        runClean(
            new ClientChurnScenario(ClientChurnScenario.Client.SOCKET),
            options(23108).withHost(ipv6Loopback));

    assertTrue(result.serverAddress().startsWith("[::1]:"), result.serverAddress());
    assertKernelEventually(result.expected(), KernelTcpTable.TIME_WAIT, KernelTcpTable.NONE);
  }
}
