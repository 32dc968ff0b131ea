package dev.timewait.agent.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CloseRecorderTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private static CodeSite site(String name) {
    return new CodeSite(name, List.of(name));
  }

  private static InetSocketAddress remote(int port) {
    return new InetSocketAddress(LOOPBACK, port);
  }

  @Test
  void siteTableStaysWithinItsCapAndCountsTheRest() {
    CloseRecorder recorder = new CloseRecorder(3, 100, 1024);
    CodeSite open = site("Open.open(Open.java:1)");
    for (int i = 0; i < 10; i++) {
      recorder.record(
          site("S.s" + i + "(S.java:1)"),
          open,
          Role.CLIENT,
          CloseKind.ACTIVE,
          remote(40000 + i),
          remote(80),
          i);
    }
    assertEquals(4, recorder.sites().size(), "3 rows and the overflow row");
    assertEquals(7, recorder.siteOverflow());
    long counted = 0;
    for (SiteCounters row : recorder.sites()) {
      counted += row.count(CloseKind.ACTIVE);
    }
    assertEquals(10, counted, "nothing dropped");
    assertTrue(
        recorder.sites().stream().anyMatch(r -> r.closeSite == CodeSite.OTHER),
        "overflow row present");
  }

  @Test
  void endpointTableStaysWithinItsCap() {
    CloseRecorder recorder = new CloseRecorder(10, 5, 1024);
    CodeSite s = site("S.s(S.java:1)");
    for (int i = 0; i < 50; i++) {
      recorder.record(s, s, Role.CLIENT, CloseKind.PASSIVE, remote(40000 + i), remote(1000 + i), i);
    }
    assertEquals(6, recorder.endpoints().size(), "5 rows and the overflow row");
    assertEquals(45, recorder.endpointOverflow());
  }

  @Test
  void serverPeersAreGroupedByAddress() {
    CloseRecorder recorder = new CloseRecorder(10, 10, 1024);
    CodeSite s = site("S.s(S.java:1)");
    for (int i = 0; i < 50; i++) {
      recorder.record(s, s, Role.SERVER, CloseKind.ACTIVE, remote(8080), remote(40000 + i), i);
    }
    assertEquals(1, recorder.endpoints().size());
    assertEquals(0, recorder.endpointOverflow());
  }

  @Test
  void totalsAreExactUnderConcurrency() throws Exception {
    CloseRecorder recorder = new CloseRecorder(1000, 1000, 1 << 16);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      done.add(
          pool.submit(
              () -> {
                CodeSite s = site("T.t" + thread + "(T.java:1)");
                for (int i = 0; i < 10_000; i++) {
                  CloseKind kind = CloseKind.values()[i % 3];
                  recorder.record(s, s, Role.CLIENT, kind, remote(30000 + i % 1000), remote(80), i);
                }
              }));
    }
    for (Future<?> f : done) {
      f.get();
    }
    pool.shutdown();
    long all = 0;
    for (CloseKind kind : CloseKind.values()) {
      all += recorder.total(kind);
    }
    assertEquals(80_000, all);
    assertEquals(26_672, recorder.total(Role.CLIENT, CloseKind.ACTIVE));
  }

  @Test
  void aCloseResetAfterItsFinCountsAbortiveEverywhereOnce() {
    CloseRecorder recorder = new CloseRecorder(10, 10, 1024);
    CodeSite client = site("C.call(C.java:1)");
    CodeSite server = site("S.serve(S.java:1)");
    recorder.record(
        client, client, Role.CLIENT, CloseKind.ACTIVE, remote(40001), remote(80), 1_000);
    recorder.record(
        client, client, Role.CLIENT, CloseKind.ACTIVE, remote(40002), remote(80), 1_000);
    recorder.record(
        client, client, Role.CLIENT, CloseKind.ACTIVE, remote(40003), remote(80), 1_000, 4);
    recorder.record(
        server, server, Role.SERVER, CloseKind.ACTIVE, remote(80), remote(40004), 1_000);
    // closed after the table was read: not judged, whatever the predicate says
    recorder.record(
        client, client, Role.CLIENT, CloseKind.ACTIVE, remote(40005), remote(80), 2_000);
    java.util.Set<Integer> reset = java.util.Set.of(40001, 40003, 80, 40005);

    int moved = recorder.resetAfterFin(pair -> reset.contains(pair.localPort()), 2_000, 45_000);

    assertEquals(3, moved, "40001, 40003 (weight 4) and the server's close of 40004");
    assertEquals(3, recorder.resetAfterFin());
    assertEquals(2, recorder.total(Role.CLIENT, CloseKind.ACTIVE), "40002 and 40005");
    assertEquals(2, recorder.total(Role.CLIENT, CloseKind.ABORTIVE));
    assertEquals(0, recorder.total(Role.SERVER, CloseKind.ACTIVE));
    assertEquals(1, recorder.total(Role.SERVER, CloseKind.ABORTIVE));
    SiteCounters row =
        recorder.sites().stream().filter(r -> r.role == Role.CLIENT).findFirst().orElseThrow();
    assertEquals(2, row.count(CloseKind.ACTIVE), "the site row moves each close's weight");
    assertEquals(5, row.count(CloseKind.ABORTIVE));
    assertEquals(2, row.activeByEndpoint.get(remote(80)).sum());
    CloseRecorder.EndpointCounters to80 =
        recorder.endpoints().stream()
            .filter(e -> remote(80).equals(e.remote))
            .findFirst()
            .orElseThrow();
    assertEquals(2, to80.count(CloseKind.ACTIVE));
    assertEquals(2, to80.count(CloseKind.ABORTIVE));
    assertEquals(
        List.of(40002, 40005),
        recorder.recentCloses(2_000).stream().map(c -> c.pair().localPort()).toList(),
        "the reset closes are no longer awaited in TIME_WAIT");

    assertEquals(
        1,
        recorder.resetAfterFin(pair -> reset.contains(pair.localPort()), 3_000, 45_000),
        "a second look counts only 40005, now older than the table read");
    assertEquals(0, recorder.resetAfterFin(pair -> true, 50_000, 45_000), "older than 45 s");
  }
}
