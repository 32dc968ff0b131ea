package dev.timewait.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.snapshot.EndpointStats;
import dev.timewait.core.snapshot.PeerIdleTimes;
import dev.timewait.core.snapshot.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The server's idle cut-off, inferred per destination from idle times before its FIN. */
class ServerIdleCutoffRuleTest {
  private static final String OKHTTP = "com.squareup.okhttp3:okhttp-jvm:5.3.2";

  /** Idle times as the agent counts them. */
  private static PeerIdleTimes idle(String via, long... millis) {
    Map<Long, Long> buckets = new TreeMap<>();
    long min = -1;
    long max = 0;
    for (long m : millis) {
      buckets.merge(PeerIdleTimes.fromMillis(PeerIdleTimes.bucket(m)), 1L, Long::sum);
      if (m >= PeerIdleTimes.IDLE_MILLIS) {
        min = min < 0 ? m : Math.min(min, m);
      }
      max = Math.max(max, m);
    }
    List<PeerIdleTimes.Bucket> rows = new ArrayList<>();
    buckets.forEach((from, n) -> rows.add(new PeerIdleTimes.Bucket(from, n)));
    return new PeerIdleTimes(millis.length, min, max, rows, via);
  }

  private static Snapshot jvm(String host, EndpointStats... endpoints) {
    Snapshot s = TestHosts.snapshot(host, 7, List.of(), List.of(), List.of());
    return new Snapshot(
        s.schema(),
        s.takenAt(),
        s.agentVersion(),
        s.jvm(),
        s.startedAt(),
        s.totals(),
        s.sites(),
        List.of(endpoints),
        s.overflow(),
        s.closeWait(),
        s.recentActiveCloses(),
        s.internalCloses(),
        s.host());
  }

  private static Optional<Finding> evaluate(Snapshot... snapshots) {
    return new ServerIdleCutoffRule().evaluate(TestHosts.snapshotsOnly(snapshots));
  }

  @Test
  void aClusterOfIdleTimesNamesTheCutoffAndTheLibrarysSetting() {
    Finding finding =
        evaluate(
                jvm(
                    "web-1",
                    new EndpointStats(
                        "10.0.0.7:8080",
                        0,
                        6,
                        0,
                        idle(OKHTTP, 30_020, 30_200, 30_900, 31_500, 40, 12))))
            .orElseThrow();
    assertEquals("SERVER_IDLE_CUTOFF", finding.id());
    assertTrue(finding.title().contains("10.0.0.7:8080 after 30 s"), finding.title());
    assertTrue(
        finding
            .evidence()
            .get(0)
            .contains(
                "closed 4 of the connections to 10.0.0.7:8080 after they had sat idle 30 s to"),
        finding.evidence().get(0));
    assertTrue(
        finding.recommendation().contains("ConnectionPool(maxIdleConnections, keepAliveDuration")
            && finding.recommendation().contains("keepAliveDuration is 22 s"),
        finding.recommendation());
  }

  @Test
  void theIdleTimesOfSeveralJvmsAddUp() {
    PeerIdleTimes one = idle("org.postgresql:postgresql:42.7.8", 2_010, 2_050);
    PeerIdleTimes two = idle("org.postgresql:postgresql:42.7.8", 2_030);
    assertTrue(evaluate(jvm("a", new EndpointStats("10.0.0.9:5432", 0, 2, 0, one))).isEmpty());
    Finding finding =
        evaluate(
                jvm("a", new EndpointStats("10.0.0.9:5432", 0, 2, 0, one)),
                jvm("b", new EndpointStats("10.0.0.9:5432", 0, 1, 0, two)))
            .orElseThrow();
    assertTrue(finding.title().contains("10.0.0.9:5432 after 2.0 s"), finding.title());
    assertTrue(
        finding.recommendation().contains("keepaliveTime to 1.5 s"), finding.recommendation());
    assertTrue(finding.evidence().get(0).startsWith("agent (a"), finding.evidence().get(0));
  }

  @Test
  void theJdkHttpClientsSettingIsInWholeSeconds() {
    Finding finding =
        evaluate(
                jvm(
                    "web-1",
                    new EndpointStats(
                        "10.0.0.7:443", 0, 3, 0, idle("java.net.http", 60_010, 60_400, 61_000))))
            .orElseThrow();
    assertTrue(
        finding.recommendation().contains("-Djdk.httpclient.keepalive.timeout=45 (seconds)"),
        finding.recommendation());
  }

  @Test
  void scatteredIdleTimesOrClosesRightAfterUseTellNoCutoff() {
    assertTrue(
        evaluate(
                jvm(
                    "web-1",
                    new EndpointStats(
                        "10.0.0.7:80", 0, 5, 0, idle(null, 1_500, 9_000, 40_000, 200_000))))
            .isEmpty(),
        "no cluster");
    assertTrue(
        evaluate(
                jvm(
                    "web-1",
                    new EndpointStats("10.0.0.7:80", 0, 5, 0, idle(null, 3, 10, 20, 900, 999))))
            .isEmpty(),
        "closed right after each response, never idle");
  }

  @Test
  void theCutoffIsTheShortestIdleTimeAndTheAdviceStaysBelowIt() {
    assertEquals(1_000, idle(null, 1_000, 1_090, 1_020).serverCutoffMillis());
    assertEquals(-1, idle(null, 1_000, 1_090).serverCutoffMillis());
    assertEquals(700, ServerIdleCutoffRule.below(1_000));
    assertEquals(45_000, ServerIdleCutoffRule.below(60_000));
    assertEquals(900_000, ServerIdleCutoffRule.below(20 * 60_000));
    assertEquals("15 min", ServerIdleCutoffRule.duration(900_000));
    assertEquals("1.5 s", ServerIdleCutoffRule.duration(1_500));
    assertEquals("700 ms", ServerIdleCutoffRule.duration(700));
  }
}
