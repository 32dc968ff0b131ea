package dev.timewait.agent.internal.background;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpCounters;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the agent counts a close that the kernel reset after its FIN abortive, and when not. */
class LateResetsTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final CodeSite SITE = new CodeSite("C.call(C.java:1)", List.of("C.call"));

  private final CloseRecorder recorder = new CloseRecorder(10, 10, 1024);
  private final LateResets resets = new LateResets();

  private static TcpCounters counters(long outRsts, long timeWaitOverflow) {
    return new TcpCounters(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        timeWaitOverflow,
        null,
        null,
        null,
        null,
        null,
        outRsts);
  }

  private static SocketPair pair(int localPort) {
    return new SocketPair("127.0.0.1", localPort, "127.0.0.1", 80);
  }

  /** A whole table holding {@code inTimeWait} in TIME_WAIT and {@code held} in other states. */
  private static ConnectionTable table(
      Set<SocketPair> inTimeWait, Set<SocketPair> held, boolean whole) {
    return new ConnectionTable(
        Map.of(), inTimeWait.size(), List.of(), List.of(), null, 0, inTimeWait, 1000, held, whole);
  }

  private void close(int localPort, long at) {
    recorder.record(
        SITE,
        SITE,
        Role.CLIENT,
        CloseKind.ACTIVE,
        new InetSocketAddress(LOOPBACK, localPort),
        new InetSocketAddress(LOOPBACK, 80),
        at);
  }

  private List<RecentClose> recent(long now) {
    return recorder.recentCloses(now);
  }

  @Test
  void closesGoneFromAWholeTableAfterTheKernelResetSocketsAreAbortive() {
    assertTrue(resets.due(counters(7, 0)), "resets before the first look: look");
    close(40001, 1_000);
    close(40002, 1_000);
    close(40003, 1_000);
    ConnectionTable table = table(Set.of(pair(40001)), Set.of(pair(40002)), true);

    assertEquals(1, resets.judge(recorder, recent(2_000), table, counters(7, 0), 2_000, null));
    assertEquals(1, recorder.total(CloseKind.ABORTIVE), "40003 is in no state");
    assertEquals(2, recorder.total(CloseKind.ACTIVE), "TIME_WAIT and FIN_WAIT2 stay active");

    assertFalse(resets.due(counters(7, 0)), "no new reset since");
    assertTrue(resets.due(counters(8, 0)));
  }

  @Test
  void withoutANewResetNothingIsJudged() {
    resets.judge(recorder, List.of(), table(Set.of(), Set.of(), true), counters(3, 0), 500, null);
    close(40001, 1_000);
    assertEquals(
        0,
        resets.judge(
            recorder, recent(2_000), table(Set.of(), Set.of(), true), counters(3, 0), 2_000, null),
        "gone, but the kernel counted no reset: its TIME_WAIT ended some other way");
    assertEquals(1, recorder.total(CloseKind.ACTIVE));
  }

  @Test
  void aTableNotReadWholeJudgesNothing() {
    close(40001, 1_000);
    assertEquals(
        0,
        resets.judge(
            recorder,
            recent(2_000),
            table(Set.of(), Set.of(), false),
            counters(5, 0),
            2_000,
            null));
    assertEquals(1, recorder.total(CloseKind.ACTIVE));
  }

  @Test
  void closesBeforeATimeWaitOverflowAreNeverJudged() {
    resets.judge(recorder, List.of(), table(Set.of(), Set.of(), true), counters(1, 0), 500, null);
    close(40001, 1_000);
    assertEquals(
        0,
        resets.judge(
            recorder, recent(2_000), table(Set.of(), Set.of(), true), counters(2, 1), 2_000, null),
        "TCPTimeWaitOverflow grew: the kernel may have skipped TIME_WAIT");
    close(40002, 3_000);
    assertEquals(
        1,
        resets.judge(
            recorder, recent(4_000), table(Set.of(), Set.of(), true), counters(3, 1), 4_000, null),
        "only the close made after the overflow was seen");
    assertEquals(1, recorder.total(CloseKind.ACTIVE));
  }

  @Test
  void closesOlderThanFinTimeoutAreNotJudged() {
    assertEquals(LateResets.WITHIN_MILLIS, LateResets.window(null));
    assertEquals(LateResets.WITHIN_MILLIS, LateResets.window(60L));
    assertEquals(8_000, LateResets.window(10L), "an orphaned FIN_WAIT2 ends after 10 s");
    close(40001, 1_000);
    close(40002, 9_500);
    assertEquals(
        1,
        resets.judge(
            recorder, recent(10_000), table(Set.of(), Set.of(), true), counters(4, 0), 10_000, 10L),
        "only the close younger than tcp_fin_timeout less its slack");
  }

  @Test
  void withoutTheCountersNothingIsJudged() {
    close(40001, 1_000);
    TcpCounters unknown = TcpCounters.unknown();
    assertFalse(resets.due(unknown));
    assertEquals(
        0,
        resets.judge(
            recorder, recent(2_000), table(Set.of(), Set.of(), true), unknown, 2_000, null));
  }
}
