package dev.timewait.agent.internal.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RecentActiveClosesTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final long LARGE_HEAP = 8L << 30;
  private final SiteCounters row =
      new SiteCounters(
          new CodeSite("A.a(A.java:1)", List.of()),
          new CodeSite("A.b(A.java:2)", List.of()),
          Role.CLIENT);

  @Test
  void keepsOnlyTheLastSixtySeconds() {
    RecentActiveCloses recent = new RecentActiveCloses(64, LARGE_HEAP);
    recent.add(LOOPBACK, 40001, LOOPBACK, 80, row, 1, 1_000);
    recent.add(LOOPBACK, 40002, LOOPBACK, 80, row, 1, 50_000);
    recent.add(LOOPBACK, 40003, LOOPBACK, 80, row, 1, 70_000);
    List<RecentActiveCloses.Entry> within = recent.within(70_500);
    assertEquals(2, within.size());
    assertEquals(40002, within.get(0).localPort);
    assertEquals(40003, within.get(1).localPort);
    assertEquals(80, within.get(1).remotePort);
    assertEquals(0, recent.overflow());
  }

  @Test
  void countsEntriesOverwrittenWhileStillInTheWindow() {
    RecentActiveCloses recent = new RecentActiveCloses(16, LARGE_HEAP);
    for (int i = 0; i < 40; i++) {
      recent.add(LOOPBACK, 40000 + i, LOOPBACK, 80, row, 1, 1_000 + i);
    }
    assertEquals(16, recent.within(2_000).size());
    assertEquals(24, recent.overflow());
    assertEquals(40039, recent.within(2_000).get(15).localPort);
  }

  @Test
  void takesNoMemoryBeforeTheFirstClose() {
    RecentActiveCloses recent = new RecentActiveCloses(131072, LARGE_HEAP);
    assertEquals(0, recent.slots());
    assertEquals(List.of(), recent.within(1_000));
    recent.add(LOOPBACK, 40000, LOOPBACK, 80, row, 1, 1_000);
    assertEquals(RecentActiveCloses.FIRST_SLOTS, recent.slots());
  }

  @Test
  void growsAsClosesComeAndLosesNoneWhileGrowing() {
    RecentActiveCloses recent = new RecentActiveCloses(131072, LARGE_HEAP);
    int closes = 10_000;
    for (int i = 0; i < closes; i++) {
      recent.add(LOOPBACK, i, LOOPBACK, 80, row, 1, 1_000);
    }
    List<RecentActiveCloses.Entry> within = recent.within(1_500);
    assertEquals(closes, within.size());
    assertEquals(0, recent.overflow());
    for (int i = 0; i < closes; i++) {
      assertEquals(i, within.get(i).localPort, "oldest first");
    }
    // the rings replaced while growing keep their entries for the window, then go
    assertEquals(1024 + 2048 + 4096 + 8192, recent.slots());
    recent.within(1_000 + RecentActiveCloses.WINDOW_MILLIS);
    assertEquals(8192, recent.slots());
  }

  @Test
  void staysSmallWhenFewClosesAreInTheWindow() {
    RecentActiveCloses recent = new RecentActiveCloses(131072, LARGE_HEAP);
    // one close every 100 ms for an hour: at most 600 in any 60 s window
    for (int i = 0; i < 36_000; i++) {
      recent.add(LOOPBACK, i & 0xffff, LOOPBACK, 80, row, 1, i * 100L);
    }
    assertEquals(RecentActiveCloses.FIRST_SLOTS, recent.slots());
    assertEquals(0, recent.overflow());
    assertEquals(599, recent.within(36_000 * 100L).size());
  }

  @Test
  void isCappedAtTwoPercentOfTheMaximumHeap() {
    long heap = 16L << 20;
    RecentActiveCloses recent = new RecentActiveCloses(131072, heap);
    int closes = 20_000;
    for (int i = 0; i < closes; i++) {
      recent.add(LOOPBACK, i, LOOPBACK, 80, row, 1, 1_000);
    }
    // 2 % of 16 MB at 36 bytes a slot: 9,320, rounded down to a power of two
    assertEquals(8192, recent.ceiling());
    List<RecentActiveCloses.Entry> within = recent.within(1_000);
    assertEquals(closes, within.size() + recent.overflow(), "every close kept or counted");
    assertEquals(closes - 1, within.get(within.size() - 1).localPort, "the newest are kept");
    recent.within(1_000 + RecentActiveCloses.WINDOW_MILLIS);
    long bytes = (long) recent.slots() * RecentActiveCloses.SLOT_BYTES;
    assertTrue(bytes <= heap / 50, bytes + " bytes");
  }

  @Test
  void givesTheMemoryBackWhenReleasedAndGrowsBackToHalf() {
    RecentActiveCloses recent = new RecentActiveCloses(131072, LARGE_HEAP);
    for (int i = 0; i < 5_000; i++) {
      recent.add(LOOPBACK, i, LOOPBACK, 80, row, 1, 1_000);
    }
    assertEquals(0, recent.overflow());

    recent.release(2_000);
    assertEquals(0, recent.slots());
    assertEquals(List.of(), recent.within(2_000));
    assertEquals(5_000, recent.overflow(), "the dropped closes are counted");
    assertEquals(2048, recent.ceiling(), "half of the 4096 slots it had grown to");

    for (int i = 0; i < 10_000; i++) {
      recent.add(LOOPBACK, i, LOOPBACK, 80, row, 1, 3_000);
    }
    assertEquals(10_000, recent.within(3_000).size() + recent.overflow() - 5_000);
    recent.within(3_000 + RecentActiveCloses.WINDOW_MILLIS);
    assertEquals(2048, recent.slots());
  }

  @Test
  void concurrentWritersWhileTheRingGrowsLoseNothing() throws Exception {
    RecentActiveCloses recent = new RecentActiveCloses(131072, LARGE_HEAP);
    int threads = 4;
    int each = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * each;
      Thread w =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < each; i++) {
                  recent.add(LOOPBACK, base + i, LOOPBACK, 80, row, 1, 1_000);
                }
              });
      w.start();
      writers.add(w);
    }
    start.countDown();
    for (Thread w : writers) {
      w.join();
    }
    List<RecentActiveCloses.Entry> within = recent.within(1_000);
    Set<Integer> ports = new HashSet<>();
    for (RecentActiveCloses.Entry e : within) {
      ports.add(e.localPort);
    }
    assertEquals(threads * each, ports.size());
    assertEquals(0, recent.overflow());
  }
}
