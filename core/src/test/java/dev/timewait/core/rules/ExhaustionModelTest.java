package dev.timewait.core.rules;

import static dev.timewait.core.rules.RulesTest.all;
import static dev.timewait.core.rules.RulesTest.find;
import static dev.timewait.core.rules.TestHosts.input;
import static dev.timewait.testing.HostTreeBuilder.LOCAL;
import static dev.timewait.testing.HostTreeBuilder.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exhaustion model on host trees shaped like the live-kernel experiments (docs/LIVE-KERNEL.md):
 * a 1,000-port range, churn at 40 connections a second to one destination for 10 s.
 */
class ExhaustionModelTest {

  static final String PEER = "10.77.1.2";

  @TempDir Path dir;

  /** A client namespace: 1,000 usable ports, the given reuse and timestamps. */
  HostTreeBuilder namespace(String name, String reuse, String timestamps) {
    return healthy(dir.resolve(name))
        .kernel("6.18.44")
        .sysctl("net.ipv4.ip_local_port_range", "40000\t40999")
        .sysctl("net.ipv4.tcp_tw_reuse", reuse)
        .sysctl("net.ipv4.tcp_tw_reuse_delay", "1000")
        .sysctl("net.ipv4.tcp_timestamps", timestamps);
  }

  @Test
  void forecastsTheTimeToExhaustionWithoutReuse() {
    AnalysisInput input = input(namespace("off", "0", "1").churn(LOCAL, PEER, 8080, 400, 40));
    DestinationUse use = Destinations.of(input).get(0);
    assertEquals(400, use.blocked());
    assertEquals(40, use.ratePerSecond(), 0.5);
    assertEquals(60, use.holdSeconds());
    assertEquals(15, use.secondsToExhaustion(), 0.5);

    Finding finding = find(input, "PORT_EXHAUSTION_RISK");
    assertEquals(Severity.CRITICAL, finding.severity(), "40% used, but out in 15 s");
    assertTrue(
        finding
            .title()
            .startsWith(
                "At 40 new connections/s to "
                    + PEER
                    + ":8080 the 1,000 usable ports run out in 15 s"),
        finding.title());
    assertTrue(all(finding).contains("tcp_tw_reuse = 0 (connect() never takes over"), all(finding));
    assertTrue(finding.recommendation().contains("`sysctl -w net.ipv4.tcp_tw_reuse=1`"));
    assertNotNull(find(input, "TW_REUSE_RECOMMENDED"));
  }

  @Test
  void reuseOneTakesOverAllButTheYoungest() {
    AnalysisInput input = input(namespace("on", "1", "1").churn(LOCAL, PEER, 8080, 400, 40));
    DestinationUse use = Destinations.of(input).get(0);
    assertTrue(use.reuse());
    assertEquals(40, use.blocked(), 1, "only the last second's sockets");
    assertEquals(1, use.holdSeconds());
    assertFalse(use.exhaustionPredicted());
    assertNull(find(input, "PORT_EXHAUSTION_RISK"));
    assertNull(find(input, "TW_REUSE_RECOMMENDED"), "reuse 1 is in force");
  }

  @Test
  void halfTheRangeInTimeWaitIsASteadyStateUnderReuse() {
    // 10,000 connections/s to one loopback port settle at half the range (even ports), as measured
    HostTreeBuilder tree = namespace("steady", "2", "1");
    for (int i = 0; i < 500; i++) {
      tree.timeWait("127.0.0.1", 40000 + 2 * i, "127.0.0.1", 8080, 59.0 - i % 50);
    }
    AnalysisInput input = input(tree);
    assertNull(find(input, "PORT_EXHAUSTION_RISK"));
    assertNotNull(find(input, "HEALTHY"));
  }

  @Test
  void reuseTwoCoversLoopbackOnly() {
    HostTreeBuilder tree = namespace("two", "2", "1");
    tree.churn(LOCAL, PEER, 8080, 400, 40);
    for (int i = 0; i < 900; i++) {
      tree.timeWait("127.0.0.1", 40000 + i, "127.0.0.1", 8081, 59.9 - i / 40.0);
    }
    AnalysisInput input = input(tree);
    Finding finding = find(input, "PORT_EXHAUSTION_RISK");
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(finding.title().contains("to " + PEER + ":8080"), finding.title());
    String risky = finding.evidence().get(1);
    assertTrue(risky.startsWith(LOCAL + " -> " + PEER + ":8080"), risky);
    String covered = finding.evidence().get(2);
    assertTrue(covered.startsWith("not at risk: 127.0.0.1 -> 127.0.0.1:8081"), covered);
    assertTrue(covered.contains("tcp_tw_reuse covers this destination"), covered);
    Finding recommended = find(input, "TW_REUSE_RECOMMENDED");
    assertNotNull(recommended);
    assertFalse(all(recommended).contains("127.0.0.1:8081"), all(recommended));
  }

  @Test
  void timestampsOffDefeatReuse() {
    AnalysisInput input = input(namespace("nots", "1", "0").churn(LOCAL, PEER, 8080, 400, 40));
    Finding finding = find(input, "PORT_EXHAUSTION_RISK");
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(all(finding).contains("tcp_timestamps = 0, so it takes over nothing"), all(finding));
    assertFalse(
        finding.recommendation().contains("tcp_tw_reuse=1"),
        "reuse 1 is already set: " + finding.recommendation());
    assertTrue(finding.recommendation().contains("`sysctl -w net.ipv4.tcp_timestamps=1`"));
    assertNull(find(input, "TW_REUSE_RECOMMENDED"));
    Finding timestamps = find(input, "TIMESTAMPS_DISABLED");
    assertTrue(all(timestamps).contains("tcp_tw_reuse = 1 is set, but"), all(timestamps));
    assertTrue(all(timestamps).contains("403 client TIME_WAIT sockets"), all(timestamps));
  }

  @Test
  void aSpentRangeIsSaidToBeSpent() {
    HostTreeBuilder tree = namespace("spent", "0", "1");
    for (int i = 0; i < 1000; i++) {
      tree.timeWait(LOCAL, 40000 + i, PEER, 8080, 60.0 - 60.0 * i / 1000);
    }
    Finding finding = find(input(tree), "PORT_EXHAUSTION_RISK");
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(finding.title().contains("has spent its 1,000 usable ports"), finding.title());
  }

  @Test
  void aSlowSteadyChurnIsNoRisk() {
    // 5 connections/s settle at 300 of 1,000 ports
    AnalysisInput input = input(namespace("slow", "0", "1").churn(LOCAL, PEER, 8080, 300, 5));
    assertNull(find(input, "PORT_EXHAUSTION_RISK"));
    DestinationUse use = Destinations.of(input).get(0);
    assertEquals(0.3, use.steadyShare(), 0.02);
  }

  @Test
  void theAgentsCloseRateForecastsWithoutATable() {
    String site = "com.example.Client.call(Client.java:42)";
    var start =
        TestHosts.snapshot(
            "web-1",
            3,
            List.of(TestHosts.clientSite(site, 1000, 0, PEER + ":443")),
            List.of(),
            List.of());
    var end =
        new dev.timewait.core.snapshot.Snapshot(
            start.schema(),
            start.takenAt().plusSeconds(10),
            start.agentVersion(),
            start.jvm(),
            start.startedAt(),
            start.totals(),
            List.of(TestHosts.clientSite(site, 6000, 0, PEER + ":443")),
            List.of(),
            start.overflow(),
            List.of(),
            TestHosts.recent(site, LOCAL, PEER + ":443", 20000),
            0,
            null);
    AnalysisInput input =
        new AnalysisInput(
            null, null, List.of(), List.of(end), List.of(start), Thresholds.defaults());
    DestinationUse use = Destinations.of(input).get(0);
    assertEquals(DestinationUse.AGENT, use.source());
    assertEquals(500, use.ratePerSecond(), 0.01, "5,000 closes in the 10 s window");
    assertEquals((Destinations.DEFAULT_USABLE - 20000) / 500.0, use.secondsToExhaustion(), 0.01);
    Finding finding = find(input, "PORT_EXHAUSTION_RISK");
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(finding.recommendation().contains(site), finding.recommendation());
  }

  @Test
  void aFullTimeWaitTableHoldsNoMorePortsThanItKeeps() {
    // tcp_max_tw_buckets 100: past 100 TIME_WAIT sockets a close leaves none and frees its port;
    // live (LiveKernelIT twBucketsOverflow) 600 connections at 50/s never failed.
    AnalysisInput input =
        input(
            namespace("cap", "0", "1")
                .sysctl("net.ipv4.tcp_max_tw_buckets", "100")
                .churn(LOCAL, PEER, 8080, 100, 40));
    DestinationUse use = Destinations.of(input).get(0);
    assertEquals(100, use.timeWaitCap());
    assertTrue(use.cappedByTimeWaitTable());
    assertFalse(use.exhaustionPredicted(), "40/s for 60 s would need 2,400 ports, 100 are held");
    assertEquals(0.1, use.steadyShare(), 0.001);
    assertNull(find(input, "PORT_EXHAUSTION_RISK"));
    assertTrue(
        Destinations.describe(use).contains("tcp_max_tw_buckets = 100 keeps fewer"),
        Destinations.describe(use));
  }
}
