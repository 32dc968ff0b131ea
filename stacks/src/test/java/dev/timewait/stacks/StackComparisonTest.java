package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.CloseTotals;
import dev.timewait.core.snapshot.JvmInfo;
import dev.timewait.core.snapshot.OverflowCounts;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StackComparisonTest {
  private static final int SERVER = 21000;
  private static final String CALL = "com.example.stacks.demo.Client.call";
  private static final String SERVE = "com.example.stacks.demo.Client.serve";
  private static final StackCase IN_JVM =
      new StackCase(
          "demo",
          "demo",
          "com.example.stacks.demo.Client",
          null,
          StackCase.Server.IN_JVM,
          Map.of(Role.CLIENT, List.of(CALL), Role.SERVER, List.of(SERVE)),
          17,
          Map.of(Check.NAMED, "a gap"));
  private static final StackCase EXTERNAL =
      new StackCase(
          "demo-db",
          "demo",
          "com.example.stacks.demo.Client",
          null,
          StackCase.Server.POSTGRES,
          Map.of(Role.CLIENT, List.of(CALL)),
          17,
          Map.of());

  @Test
  void clientClosingFirstSeenByTupleAndNamedPassesEveryCheck() {
    KernelRun kernel = kernel(clientFirst(1), clientFirst(2), clientFirst(3));
    Agent agent = new Agent();
    for (int port : new int[] {1, 2, 3}) {
      agent.active(Role.CLIENT, client(port), CALL + "(Client.java:10)");
    }
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 3, 0);

    CaseOutcome outcome = compare(IN_JVM, kernel, agent);

    assertEquals(List.of(), outcome.failed(), outcome.results().toString());
    assertEquals("3 conn: 3 TIME_WAIT client side", outcome.kernel());
    assertEquals("6/6", outcome.named());
  }

  @Test
  void closesTheAgentNeverSawFailRecallPassiveAndNaming() {
    CaseOutcome outcome =
        compare(IN_JVM, kernel(clientFirst(1), clientFirst(2), clientFirst(3)), new Agent());

    assertEquals(List.of(Check.RECALL, Check.PASSIVE, Check.NAMED), outcome.failed());
    assertEquals("0 seen", outcome.agent());
    assertTrue(outcome.results().get(Check.RECALL).startsWith("0 of 3 TIME_WAIT tuples recorded"));
  }

  @Test
  void anActiveCloseWhereTheKernelShowsAResetFailsPrecisionAndAbortive() {
    // Three connections, two in TIME_WAIT at the client, the third reset by the client.
    KernelRun kernel = kernel(clientFirst(1), clientFirst(2), resetByClient(3));
    Agent agent = new Agent();
    for (int port : new int[] {1, 2, 3}) {
      agent.active(Role.CLIENT, client(port), CALL + "(Client.java:10)");
    }
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 3, 0);

    CaseOutcome outcome = compare(IN_JVM, kernel, agent);

    assertEquals(List.of(Check.PRECISION, Check.ABORTIVE), outcome.failed());
    assertTrue(outcome.agent().endsWith("(1 active wrongly)"), outcome.agent());
    assertEquals("3 conn: 2 TIME_WAIT client side, 1 RST (from the client)", outcome.kernel());
  }

  @Test
  void aResetCountedAbortiveAtOneEndAndPassiveAtTheOtherPasses() {
    KernelRun kernel = kernel(clientFirst(1), clientFirst(2), resetByClient(3));
    Agent agent = new Agent();
    agent.active(Role.CLIENT, client(1), CALL + "(Client.java:10)");
    agent.active(Role.CLIENT, client(2), CALL + "(Client.java:10)");
    agent.row(Role.CLIENT, CALL + "(Client.java:10)", 0, 0, 1);
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 3, 0);

    assertEquals(List.of(), compare(IN_JVM, kernel, agent).failed());
  }

  @Test
  void theServerClosingFirstMakesTheClientsCloseAPassiveOne() {
    // An external server's end holds TIME_WAIT for the second connection: the client's close
    // there was passive, and recording it as active is wrong.
    Agent agent = new Agent();
    agent.active(Role.CLIENT, client(1), CALL + "(Client.java:10)");
    agent.active(Role.CLIENT, client(2), CALL + "(Client.java:10)");

    CaseOutcome outcome = compare(EXTERNAL, kernel(clientFirst(1), serverFirst(2)), agent);

    assertEquals(List.of(Check.PRECISION, Check.PASSIVE), outcome.failed());
    assertEquals("2 conn: 1 TIME_WAIT client side, 1 TIME_WAIT server side", outcome.kernel());
  }

  @Test
  void aResetFromTheServerMakesTheClientsClosePassiveNotAbortive() {
    Agent agent = new Agent();
    agent.row(Role.CLIENT, CALL + "(Client.java:10)", 0, 0, 1);

    CaseOutcome outcome =
        compare(EXTERNAL, kernel(new Ending(1, false, false, false, true)), agent);

    assertEquals(List.of(Check.PASSIVE, Check.ABORTIVE), outcome.failed());
    assertEquals("1 conn: 1 RST (from the server)", outcome.kernel());
    assertTrue(outcome.results().get(Check.ABORTIVE).contains("client: agent 1, kernel 0"));
  }

  @Test
  void aConnectionTheCaptureMissedFailsTheRun() {
    KernelRun kernel = new KernelRun(Set.of(client(1)), 2, List.of(), 0, List.of("FIN_WAIT2 x"), 0);
    Agent agent = new Agent();
    agent.active(Role.CLIENT, client(1), CALL + "(Client.java:10)");

    CaseOutcome outcome =
        StackComparison.compare(
            EXTERNAL,
            "17",
            SERVER,
            2,
            new StackComparison.ChildRun(0, 2, 0),
            kernel,
            agent.snapshot());

    String run = outcome.results().get(Check.RUN);
    assertTrue(run.contains("the capture shows 0 closed connections of 2 opened"), run);
    assertTrue(run.contains("still closing when the kernel was read: FIN_WAIT2 x"), run);
  }

  @Test
  void aRecordedCloseOfTheWrongRoleIsNotRecalled() {
    Agent agent = new Agent();
    agent.active(Role.SERVER, client(1), CALL + "(Client.java:10)");
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 1, 0);

    CaseOutcome outcome = compare(IN_JVM, kernel(clientFirst(1)), agent);

    assertTrue(outcome.failed().contains(Check.RECALL));
    assertTrue(outcome.results().get(Check.RECALL).contains("as SERVER, not CLIENT"));
  }

  @Test
  void aLibraryFrameAsSiteFailsNamingUnlessTheOpenSiteIsTheCasesOwn() {
    Agent agent = new Agent();
    agent.active(Role.CLIENT, client(1), "org.lib.Pool.close(Pool.java:5)");
    agent.rows.add(
        new SiteStats(
            "org.lib.Pool.close(Pool.java:5)",
            "org.lib.Pool.open(Pool.java:3)",
            Role.CLIENT,
            1,
            0,
            0,
            List.of(),
            List.of()));
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 1, 0);

    CaseOutcome library = compare(IN_JVM, kernel(clientFirst(1)), agent);
    assertEquals(List.of(Check.NAMED), library.failed());
    assertEquals("1/2 · CLIENT Pool.close, open Pool.open", library.named());
    assertEquals(List.of(), library.unexpected(true), "NAMED is a known gap of this case");
    assertEquals(List.of(Check.NAMED), library.unexpected(false));

    Agent opened = new Agent();
    opened.active(Role.CLIENT, client(1), "org.lib.Pool.close(Pool.java:5)");
    opened.rows.add(
        new SiteStats(
            "org.lib.Pool.close(Pool.java:5)",
            CALL + "(Client.java:9)",
            Role.CLIENT,
            1,
            0,
            0,
            List.of(),
            List.of()));
    opened.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 1, 0);
    assertEquals(List.of(), compare(IN_JVM, kernel(clientFirst(1)), opened).failed());
  }

  @Test
  void aFailedApplicationOrAMissingConnectionIsNeverAKnownGap() {
    Agent agent = new Agent();
    agent.active(Role.CLIENT, client(1), CALL + "(Client.java:10)");
    agent.row(Role.SERVER, SERVE + "(Client.java:20)", 0, 1, 0);

    CaseOutcome outcome =
        StackComparison.compare(
            IN_JVM,
            "17",
            SERVER,
            3,
            new StackComparison.ChildRun(1, 3, 2),
            kernel(clientFirst(1)),
            agent.snapshot());

    assertEquals(List.of(Check.RUN), outcome.failed());
    assertEquals(List.of(Check.RUN), outcome.unexpected(true));
    assertTrue(outcome.results().get(Check.RUN).contains("with 2 errors"));
    assertTrue(outcome.results().get(Check.RUN).contains("1 connections for 3 calls"));
  }

  @Test
  void resetsWithoutTimeWaitAreAbortiveAtTheClientOfAnExternalServer() {
    Agent agent = new Agent();
    agent.row(Role.CLIENT, CALL + "(Client.java:10)", 0, 0, 3);

    CaseOutcome outcome =
        compare(EXTERNAL, kernel(resetByClient(1), resetByClient(2), resetByClient(3)), agent);

    assertEquals(List.of(), outcome.failed(), outcome.results().toString());
    assertEquals("3 conn: 3 RST (from the client)", outcome.kernel());
    assertEquals("3 abortive client", outcome.agent());
  }

  private static CaseOutcome compare(StackCase stackCase, KernelRun kernel, Agent agent) {
    int calls = (int) kernel.connections();
    return StackComparison.compare(
        stackCase,
        "17",
        SERVER,
        calls,
        new StackComparison.ChildRun(0, calls, 0),
        kernel,
        agent.snapshot());
  }

  /** How connection {@code n} ended: which end holds TIME_WAIT, which end sent a RST. */
  private record Ending(
      int n,
      boolean clientTimeWait,
      boolean serverTimeWait,
      boolean clientRst,
      boolean serverRst) {}

  private static Ending clientFirst(int n) {
    return new Ending(n, true, false, false, false);
  }

  private static Ending serverFirst(int n) {
    return new Ending(n, false, true, false, false);
  }

  private static Ending resetByClient(int n) {
    return new Ending(n, false, false, true, false);
  }

  private static KernelRun kernel(Ending... endings) {
    Set<SocketPair> timeWait = new HashSet<>();
    List<PcapReader.Segment> closes = new ArrayList<>();
    for (Ending ending : endings) {
      if (ending.clientTimeWait()) {
        timeWait.add(client(ending.n()));
      }
      if (ending.serverTimeWait()) {
        timeWait.add(server(ending.n()));
      }
      closes.add(
          new PcapReader.Segment(client(ending.n()), !ending.clientRst(), ending.clientRst()));
      if (!ending.clientRst()) {
        closes.add(
            new PcapReader.Segment(server(ending.n()), !ending.serverRst(), ending.serverRst()));
      }
    }
    return new KernelRun(timeWait, endings.length, closes, 0, List.of(), 0);
  }

  private static SocketPair client(int n) {
    return new SocketPair("127.0.0.1", 40000 + n, "127.0.0.1", SERVER);
  }

  private static SocketPair server(int n) {
    return new SocketPair("127.0.0.1", SERVER, "127.0.0.1", 40000 + n);
  }

  /** A snapshot under construction: recorded active closes and site rows. */
  private static final class Agent {
    final List<RecentClose> recent = new ArrayList<>();
    final List<SiteStats> rows = new ArrayList<>();

    void active(Role role, SocketPair pair, String site) {
      recent.add(new RecentClose(pair, Instant.EPOCH, site, null, role));
      if (site.startsWith("com.example.")) {
        rows.add(new SiteStats(site, null, role, 1, 0, 0, List.of(), List.of()));
      }
    }

    void row(Role role, String site, long active, long passive, long abortive) {
      rows.add(new SiteStats(site, null, role, active, passive, abortive, List.of(), List.of()));
    }

    Snapshot snapshot() {
      Map<Role, long[]> sums = new EnumMap<>(Role.class);
      for (SiteStats row : rows) {
        long[] sum = sums.computeIfAbsent(row.role(), r -> new long[3]);
        sum[0] += row.active();
        sum[1] += row.passive();
        sum[2] += row.abortive();
      }
      Map<Role, CloseCounts> byRole = new EnumMap<>(Role.class);
      long[] all = new long[3];
      sums.forEach(
          (role, sum) -> {
            byRole.put(role, new CloseCounts(sum[0], sum[1], sum[2]));
            for (int i = 0; i < 3; i++) {
              all[i] += sum[i];
            }
          });
      return new Snapshot(
          Snapshot.SCHEMA,
          Instant.EPOCH,
          "test",
          new JvmInfo(1, "17", "Demo", "host"),
          Instant.EPOCH,
          new CloseTotals(all[0], all[1], all[2], byRole),
          rows,
          List.of(),
          new OverflowCounts(0, 0, 0),
          List.of(),
          recent,
          0,
          null);
    }
  }
}
