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
}
