package dev.timewait.agent.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentActiveClosesTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private final SiteCounters row =
      new SiteCounters(
          new CodeSite("A.a(A.java:1)", List.of()),
          new CodeSite("A.b(A.java:2)", List.of()),
          Role.CLIENT);

  @Test
  void keepsOnlyTheLastSixtySeconds() {
    RecentActiveCloses recent = new RecentActiveCloses(64);
    recent.add(LOOPBACK, 40001, LOOPBACK, 80, row, 1_000);
    recent.add(LOOPBACK, 40002, LOOPBACK, 80, row, 50_000);
    recent.add(LOOPBACK, 40003, LOOPBACK, 80, row, 70_000);
    List<RecentActiveCloses.Entry> within = recent.within(70_500);
    assertEquals(2, within.size());
    assertEquals(40002, within.get(0).localPort);
    assertEquals(40003, within.get(1).localPort);
    assertEquals(80, within.get(1).remotePort);
    assertEquals(0, recent.overflow());
  }

  @Test
  void countsEntriesOverwrittenWhileStillInTheWindow() {
    RecentActiveCloses recent = new RecentActiveCloses(16);
    for (int i = 0; i < 40; i++) {
      recent.add(LOOPBACK, 40000 + i, LOOPBACK, 80, row, 1_000 + i);
    }
    assertEquals(16, recent.within(2_000).size());
    assertEquals(24, recent.overflow());
    assertEquals(40039, recent.within(2_000).get(15).localPort);
  }
}
