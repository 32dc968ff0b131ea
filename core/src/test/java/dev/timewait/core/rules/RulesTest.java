package dev.timewait.core.rules;

import static dev.timewait.core.rules.TestHosts.clientSite;
import static dev.timewait.core.rules.TestHosts.input;
import static dev.timewait.core.rules.TestHosts.recent;
import static dev.timewait.core.rules.TestHosts.sample;
import static dev.timewait.core.rules.TestHosts.snapshot;
import static dev.timewait.testing.HostTreeBuilder.LOCAL;
import static dev.timewait.testing.HostTreeBuilder.REMOTE;
import static dev.timewait.testing.HostTreeBuilder.healthy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.Role;
import dev.timewait.testing.HostTreeBuilder;
import dev.timewait.testing.KernelTcpTable;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every finding fires on one host and stays silent on another. */
class RulesTest {

  @TempDir Path dir;

  static List<Finding> analyze(AnalysisInput input) {
    return Analyzer.standard().analyze(input);
  }

  static Finding find(AnalysisInput input, String id) {
    for (Finding finding : analyze(input)) {
      if (finding.id().equals(id)) {
        return finding;
      }
    }
    return null;
  }

  static String all(Finding finding) {
    return finding.title()
        + "\n"
        + String.join("\n", finding.evidence())
        + "\n"
        + finding.recommendation();
  }

  @Nested
  class Recycle {
    HostTreeBuilder oldKernel(boolean recycle) {
      return healthy(dir)
          .kernel("4.9.0-19-amd64")
          .sysctl("net.ipv4.tcp_tw_recycle", recycle ? "1" : "0");
    }

    @Test
    void recycleWithNatIsCritical() {
      Finding finding =
          find(
              input(oldKernel(true).sysctl("net.ipv4.ip_forward", "1").tcpExt("PAWSPassive", 17)),
              "TW_RECYCLE_NAT");
      assertNotNull(finding);
      assertEquals(Severity.CRITICAL, finding.severity());
      assertTrue(finding.evidence().contains("/proc/sys/net/ipv4/tcp_tw_recycle = 1"));
      assertTrue(all(finding).contains("PAWSPassive = 17"));
      assertTrue(all(finding).contains("ip_forward = 1"));
      assertTrue(finding.recommendation().contains("`sysctl -w net.ipv4.tcp_tw_recycle=0`"));
      assertTrue(finding.recommendation().contains("Do NOT set net.ipv4.tcp_timestamps = 0"));
    }

    @Test
    void privateAddressIsANatSignal() {
      HostTreeBuilder tree = oldKernel(true);
      tree.clientTimeWait("10.1.2.3", REMOTE, 80, 1);
      tree.file(
          "/proc/net/fib_trie",
          "Local:\n  +-- 10.1.2.0/24 2 0 2\n     |-- 10.1.2.3\n        /32 host LOCAL\n");
      assertNotNull(find(input(tree), "TW_RECYCLE_NAT"));
    }

    @Test
    void recycleOffIsSilentEvenWithNat() {
      AnalysisInput input = input(oldKernel(false).sysctl("net.ipv4.ip_forward", "1"));
      assertNull(find(input, "TW_RECYCLE_NAT"));
      assertNull(find(input, "TW_RECYCLE_ENABLED"));
      assertNotNull(find(input, "NAT_DETECTED"));
    }

    @Test
    void recycleWithoutNatIsAWarning() {
      AnalysisInput input = input(oldKernel(true));
      Finding finding = find(input, "TW_RECYCLE_ENABLED");
      assertNotNull(finding);
      assertEquals(Severity.WARNING, finding.severity());
      assertNull(find(input, "TW_RECYCLE_NAT"));
    }

    @Test
    void recycleWithNatIsNotReportedAsPlainEnabled() {
      assertNull(
          find(input(oldKernel(true).interfaces("lo", "eth0", "docker0")), "TW_RECYCLE_ENABLED"));
    }

    @Test
    void deadSysctlLineOnNewKernel() {
      Finding finding =
          find(
              input(
                  healthy(dir)
                      .sysctlConf(
                          "/etc/sysctl.d/10-net.conf",
                          "# old tuning",
                          "net.ipv4.tcp_tw_recycle = 1")),
              "TW_RECYCLE_REMOVED");
      assertNotNull(finding);
      assertEquals(Severity.INFO, finding.severity());
      assertTrue(finding.recommendation().contains("/etc/sysctl.d/10-net.conf line 2"));
      assertTrue(finding.evidence().contains("/proc/sys/net/ipv4/tcp_tw_recycle does not exist"));
    }

    @Test
    void sysctlLineOnKernelThatHasRecycleIsNotDead() {
      assertNull(
          find(
              input(oldKernel(false).sysctlConf("/etc/sysctl.conf", "net.ipv4.tcp_tw_recycle = 0")),
              "TW_RECYCLE_REMOVED"));
    }

    @Test
    void noSysctlLineNoFinding() {
      assertNull(find(input(healthy(dir)), "TW_RECYCLE_REMOVED"));
    }
  }

  @Nested
  class KernelBoundaries {
    /** A tree without /proc/sys/net/ipv4: only the release string can tell. */
    HostTreeBuilder releaseOnly(String release) {
      return HostTreeBuilder.in(dir)
          .kernel(release)
          .sysctlConf("/etc/sysctl.conf", "net.ipv4.tcp_tw_recycle=1");
    }

    @Test
    void recycleRemovedIn412ByRelease() {
      assertNull(find(input(releaseOnly("4.11.12")), "TW_RECYCLE_REMOVED"));
      Finding finding = find(input(releaseOnly("4.12.0")), "TW_RECYCLE_REMOVED");
      assertNotNull(finding);
      assertTrue(all(finding).contains("osrelease = 4.12.0"));
    }

    @Test
    void sysctlFileIsTheAuthorityOverTheRelease() {
      // A 4.11 release string, but the sysctl directory was read and has no tcp_tw_recycle.
      AnalysisInput input =
          input(
              healthy(dir)
                  .kernel("4.11.0")
                  .sysctlConf("/etc/sysctl.conf", "net.ipv4.tcp_tw_recycle = 1"));
      assertNotNull(find(input, "TW_RECYCLE_REMOVED"));
    }

    HostTreeBuilder reuseTwo(String release) {
      HostTreeBuilder tree = healthy(dir).kernel(release).sysctl("net.ipv4.tcp_tw_reuse", "2");
      for (int i = 0; i < 1000; i++) {
        tree.timeWait(LOCAL, 40000 + i % 100, "198.51.100." + (10 + i / 100), 443);
      }
      return tree;
    }

    @Test
    void reuseTwoMeansLoopbackOnlyFrom418() {
      AnalysisInput on418 = input(reuseTwo("4.18.0"));
      assertNotNull(find(on418, "TW_REUSE_LOOPBACK_ONLY"));
      assertNotNull(find(on418, "TW_REUSE_RECOMMENDED"));
    }

    @Test
    void reuseTwoMeantOnBefore418() {
      AnalysisInput on417 = input(reuseTwo("4.17.19"));
      assertNull(find(on417, "TW_REUSE_LOOPBACK_ONLY"));
      assertNull(find(on417, "TW_REUSE_RECOMMENDED"));
    }

    HostTreeBuilder reuseOff(String release, boolean delayFile) {
      HostTreeBuilder tree =
          healthy(dir.resolve(release)).kernel(release).sysctl("net.ipv4.tcp_tw_reuse", "0");
      if (delayFile) {
        tree.sysctl("net.ipv4.tcp_tw_reuse_delay", "1000");
      }
      return tree.clientTimeWait(LOCAL, REMOTE, 443, 60);
    }

    @Test
    void reuseDelayIsMentionedFrom614() {
      Finding on614 = find(input(reuseOff("6.14.0", true)), "TW_REUSE_RECOMMENDED");
      assertTrue(
          on614.recommendation().contains("tcp_tw_reuse_delay (now 1000 ms)"),
          on614.recommendation());
      Finding on613 = find(input(reuseOff("6.13.7", false)), "TW_REUSE_RECOMMENDED");
      assertFalse(on613.recommendation().contains("tcp_tw_reuse_delay"), on613.recommendation());
    }

    @Test
    void releaseIsTheFallbackForReuseDelay() {
      assertTrue(
          KernelFacts.hasReuseDelay(sample(HostTreeBuilder.in(dir.resolve("a")).kernel("6.14.0"))));
      assertFalse(
          KernelFacts.hasReuseDelay(
              sample(HostTreeBuilder.in(dir.resolve("b")).kernel("6.13.12"))));
      assertEquals(
          Boolean.TRUE,
          KernelFacts.hasRecycle(sample(HostTreeBuilder.in(dir.resolve("c")).kernel("4.11.0"))));
      assertEquals(
          Boolean.FALSE,
          KernelFacts.hasRecycle(sample(HostTreeBuilder.in(dir.resolve("d")).kernel("4.12.0"))));
    }

    private HostSample sample(HostTreeBuilder tree) {
      return TestHosts.sample(tree);
    }
  }

  @Nested
  class Reuse {
    @Test
    void reuseOffAndBusyDestination() {
      Finding finding =
          find(
              input(
                  healthy(dir)
                      .sysctl("net.ipv4.tcp_tw_reuse", "0")
                      .clientTimeWait(LOCAL, REMOTE, 443, 60)),
              "TW_REUSE_RECOMMENDED");
      assertNotNull(finding);
      assertEquals(Severity.WARNING, finding.severity());
      String text = finding.recommendation();
      assertTrue(text.contains("`sysctl -w net.ipv4.tcp_tw_reuse=1`"), text);
      assertTrue(
          text.indexOf("Reuse connections") < text.indexOf("tcp_tw_reuse=1"),
          "pooling comes first");
      assertTrue(all(finding).contains(LOCAL + " -> " + REMOTE + ":443"));
    }

    @Test
    void reuseOnIsSilent() {
      assertNull(
          find(
              input(
                  healthy(dir)
                      .sysctl("net.ipv4.tcp_tw_reuse", "1")
                      .clientTimeWait(LOCAL, REMOTE, 443, 60)),
              "TW_REUSE_RECOMMENDED"));
    }

    @Test
    void loopbackChurnWithReuseTwoIsCovered() {
      // 60 TIME_WAIT sockets over the last minute: tcp_tw_reuse = 2 takes over all but the newest
      AnalysisInput input = input(healthy(dir).clientTimeWait("127.0.0.1", "127.0.0.1", 8080, 60));
      assertNull(find(input, "TW_REUSE_RECOMMENDED"));
      assertNull(find(input, "PORT_EXHAUSTION_RISK"));
    }

    @Test
    void agentRateCountsWhenTheTableIsQuiet() {
      String site = "com.example.Client.call(Client.java:42)";
      AnalysisInput input =
          input(
              healthy(dir).sysctl("net.ipv4.tcp_tw_reuse", "0"),
              snapshot(
                  "web-1",
                  42,
                  List.of(clientSite(site, 70, 0, REMOTE + ":443")),
                  recent(site, LOCAL, REMOTE + ":443", 70),
                  List.of()));
      Finding finding = find(input, "TW_REUSE_RECOMMENDED");
      assertNotNull(finding);
      assertTrue(finding.recommendation().contains(site), finding.recommendation());
    }

    @Test
    void loopbackOnlyNeedsManyRemoteSockets() {
      assertNull(find(input(healthy(dir)), "TW_REUSE_LOOPBACK_ONLY"));
    }
  }

  @Nested
  class Settings {
    @Test
    void timestampsOff() {
      Finding finding =
          find(input(healthy(dir).sysctl("net.ipv4.tcp_timestamps", "0")), "TIMESTAMPS_DISABLED");
      assertNotNull(finding);
      assertTrue(finding.recommendation().contains("`sysctl -w net.ipv4.tcp_timestamps=1`"));
      assertNull(find(input(healthy(dir.resolve("on"))), "TIMESTAMPS_DISABLED"));
    }

    @Test
    void finTimeoutMyth() {
      Finding finding =
          find(input(healthy(dir).sysctl("net.ipv4.tcp_fin_timeout", "15")), "FIN_TIMEOUT_MYTH");
      assertNotNull(finding);
      assertEquals(Severity.INFO, finding.severity());
      assertFalse(finding.recommendation().contains("sysctl -w"));
      assertNull(find(input(healthy(dir.resolve("default"))), "FIN_TIMEOUT_MYTH"));
    }

    @Test
    void twBucketsOverflowSinceBootAloneIsNotJudged() {
      AnalysisInput input = input(healthy(dir).tcpExt("TCPTimeWaitOverflow", 12));
      assertNull(find(input, "TW_BUCKETS_OVERFLOW"), "an overflow since boot may be a month old");
      assertNotNull(find(input, "HEALTHY"));
    }

    @Test
    void twBucketsOverflowOverAWindowCountsOnlyNewOverflows() {
      HostSample before = sample(healthy(dir.resolve("before")).tcpExt("TCPTimeWaitOverflow", 12));
      HostSample same = sample(healthy(dir.resolve("same")).tcpExt("TCPTimeWaitOverflow", 12));
      HostSample grown = sample(healthy(dir.resolve("grown")).tcpExt("TCPTimeWaitOverflow", 15));
      Thresholds t = Thresholds.defaults();
      assertNull(
          find(
              new AnalysisInput(before, same, List.of(), List.of(), List.of(), t),
              "TW_BUCKETS_OVERFLOW"),
          "an overflow from before the window is old news");
      Finding finding =
          find(
              new AnalysisInput(before, grown, List.of(), List.of(), List.of(), t),
              "TW_BUCKETS_OVERFLOW");
      assertNotNull(finding);
      assertTrue(finding.evidence().get(0).contains("+3 during the"), finding.evidence().get(0));
      assertTrue(finding.recommendation().contains("net.ipv4.tcp_max_tw_buckets=524288"));
      assertTrue(finding.recommendation().contains("Never lower"));
    }

    @Test
    void twBucketsNearlyFull() {
      assertNotNull(
          find(
              input(healthy(dir).sysctl("net.ipv4.tcp_max_tw_buckets", "100").sockstat(200, 95)),
              "TW_BUCKETS_OVERFLOW"));
      assertNull(
          find(
              input(
                  healthy(dir.resolve("ok"))
                      .sysctl("net.ipv4.tcp_max_tw_buckets", "100")
                      .sockstat(200, 80)),
              "TW_BUCKETS_OVERFLOW"));
    }

    @Test
    void conntrackNearlyFull() {
      HostTreeBuilder tree =
          healthy(dir)
              .sysctl("net.netfilter.nf_conntrack_count", "900")
              .sysctl("net.netfilter.nf_conntrack_max", "1000");
      Finding finding = find(input(tree), "CONNTRACK_PRESSURE");
      assertNotNull(finding);
      assertTrue(finding.recommendation().contains("net.netfilter.nf_conntrack_max=2000"));
      assertNull(find(input(tree), "NAT_DETECTED"), "conntrack loaded is no sign of NAT");
    }

    @Test
    void conntrackInsertFailedDuringTheWindow() {
      String header =
          "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop\n";
      HostSample before =
          sample(
              healthy(dir.resolve("before"))
                  .sysctl("net.netfilter.nf_conntrack_count", "10")
                  .sysctl("net.netfilter.nf_conntrack_max", "1000")
                  .file(
                      "/proc/net/stat/nf_conntrack",
                      header
                          + "0000000a 0 0 0 0 0 0 0 0 00000001 0\n"
                          + "0000000a 0 0 0 0 0 0 0 0 00000001 0\n"));
      HostSample after =
          sample(
              healthy(dir.resolve("after"))
                  .sysctl("net.netfilter.nf_conntrack_count", "10")
                  .sysctl("net.netfilter.nf_conntrack_max", "1000")
                  .file(
                      "/proc/net/stat/nf_conntrack",
                      header
                          + "0000000a 0 0 0 0 0 0 0 0 00000003 0\n"
                          + "0000000a 0 0 0 0 0 0 0 0 00000002 0\n"));
      Thresholds t = Thresholds.defaults();
      Finding finding =
          find(
              new AnalysisInput(before, after, List.of(), List.of(), List.of(), t),
              "CONNTRACK_PRESSURE");
      assertNotNull(finding);
      assertTrue(all(finding).contains("insert_failed = 5 since boot, +3 during"), all(finding));
      assertNull(
          find(AnalysisInput.ofHost(after, t), "CONNTRACK_PRESSURE"),
          "failed inserts since boot alone are not judged");
    }

    @Test
    void conntrackRoomy() {
      assertNull(
          find(
              input(
                  healthy(dir)
                      .sysctl("net.netfilter.nf_conntrack_count", "100")
                      .sysctl("net.netfilter.nf_conntrack_max", "1000")),
              "CONNTRACK_PRESSURE"));
    }

    @Test
    void natDetectedListsSignals() {
      Finding finding =
          find(input(healthy(dir).interfaces("lo", "eth0", "docker0", "veth12ab")), "NAT_DETECTED");
      assertNotNull(finding);
      assertTrue(all(finding).contains("docker0, veth12ab"));
      assertNull(find(input(healthy(dir.resolve("plain"))), "NAT_DETECTED"));
    }

    @Test
    void pawsRejectsDuringTheWindow() {
      HostSample before =
          sample(healthy(dir.resolve("before")).tcpExt("PAWSEstab", 1, "PAWSActive", 0));
      HostSample after =
          sample(healthy(dir.resolve("after")).tcpExt("PAWSEstab", 3, "PAWSActive", 0));
      Finding finding =
          find(
              new AnalysisInput(
                  before, after, List.of(), List.of(), List.of(), Thresholds.defaults()),
              "PAWS_REJECTS");
      assertNotNull(finding);
      assertEquals(1, finding.evidence().size());
      assertTrue(
          finding
              .evidence()
              .get(0)
              .startsWith("/proc/net/netstat TcpExt PAWSEstab = 3 since boot, +2"),
          finding.evidence().get(0));
      assertNull(find(input(healthy(dir.resolve("once")).tcpExt("PAWSEstab", 3)), "PAWS_REJECTS"));
    }
  }

  @Nested
  class Ports {
    @Test
    void halfTheRangeIsAWarning() {
      Finding finding =
          find(
              input(healthy(dir).clientTimeWait(LOCAL, "198.51.100.9", 443, 55)),
              "PORT_EXHAUSTION_RISK");
      assertNotNull(finding);
      assertEquals(Severity.WARNING, finding.severity());
      assertTrue(all(finding).contains("55 ports in use, 55 in TIME_WAIT"), all(finding));
      assertTrue(all(finding).contains("55.0% of 100 usable ports"), all(finding));
    }

    @Test
    void mostOfTheRangeIsCritical() {
      Finding finding =
          find(
              input(healthy(dir).clientTimeWait(LOCAL, "198.51.100.9", 443, 85)),
              "PORT_EXHAUSTION_RISK");
      assertEquals(Severity.CRITICAL, finding.severity());
    }

    @Test
    void establishedConnectionsCountToo() {
      HostTreeBuilder tree = healthy(dir).clientTimeWait(LOCAL, "198.51.100.9", 443, 30);
      for (int i = 0; i < 30; i++) {
        tree.socket(KernelTcpTable.ESTABLISHED, LOCAL, 40050 + i, "198.51.100.9", 443);
      }
      assertNotNull(find(input(tree), "PORT_EXHAUSTION_RISK"));
    }

    @Test
    void fewSocketsAreFine() {
      assertNull(
          find(
              input(healthy(dir).clientTimeWait(LOCAL, "198.51.100.9", 443, 10)),
              "PORT_EXHAUSTION_RISK"));
    }

    @Test
    void reservedPortsShrinkTheRange() {
      HostTreeBuilder tree =
          healthy(dir)
              .sysctl("net.ipv4.ip_local_reserved_ports", "40050-40089")
              .clientTimeWait(LOCAL, "198.51.100.9", 443, 35);
      Finding finding = find(input(tree), "PORT_EXHAUSTION_RISK");
      assertNotNull(finding);
      assertTrue(all(finding).contains("of 60 usable ports"), all(finding));
    }
  }

  @Nested
  class Server {
    @Test
    void manyTimeWaitOnListeningPort() {
      HostTreeBuilder tree = healthy(dir).sysctl("net.ipv4.ip_local_port_range", "32768\t60999");
      for (int i = 0; i < 1000; i++) {
        tree.timeWait(LOCAL, 8080, "198.51.100." + (i % 50), 50000 + i);
      }
      Finding finding = find(input(tree), "SERVER_ACTIVE_CLOSE");
      assertNotNull(finding);
      assertTrue(
          all(finding).contains("port 8080: 1000 TIME_WAIT sockets from 50 remote addresses"),
          all(finding));
      assertTrue(finding.recommendation().contains("Let the client close first"));
    }

    @Test
    void agentSeesServerActiveCloses() {
      String site = "com.example.Handler.finish(Handler.java:88)";
      Finding finding =
          find(
              input(
                  healthy(dir),
                  snapshot(
                      "web-1", 7, List.of(TestHosts.serverSite(site, 12)), List.of(), List.of())),
              "SERVER_ACTIVE_CLOSE");
      assertNotNull(finding);
      assertTrue(finding.recommendation().contains(site));
    }

    @Test
    void quietServer() {
      assertNull(find(input(healthy(dir)), "SERVER_ACTIVE_CLOSE"));
    }
  }

  @Nested
  class CloseWait {
    HostTreeBuilder withCloseWait(Path at, int count) {
      HostTreeBuilder tree = healthy(at);
      for (int i = 0; i < count; i++) {
        tree.socket(KernelTcpTable.CLOSE_WAIT, LOCAL, 40000 + (i % 100), "198.51.100.20", 9000 + i);
      }
      return tree;
    }

    @Test
    void manyIsAWarning() {
      Finding finding = find(input(withCloseWait(dir, 150)), "CLOSE_WAIT_LEAK");
      assertNotNull(finding);
      assertEquals(Severity.WARNING, finding.severity());
    }

    @Test
    void growingIsCritical() {
      HostSample start = TestHosts.sample(withCloseWait(dir.resolve("a"), 120));
      HostSample end = TestHosts.sample(withCloseWait(dir.resolve("b"), 160));
      AnalysisInput input =
          new AnalysisInput(start, end, List.of(), List.of(), List.of(), Thresholds.defaults());
      Finding finding = find(input, "CLOSE_WAIT_LEAK");
      assertEquals(Severity.CRITICAL, finding.severity());
      assertTrue(finding.evidence().get(0).contains("160 sockets in CLOSE_WAIT, up from 120"));
    }

    @Test
    void agentReportIsCritical() {
      String open = "com.example.Leaky.open(Leaky.java:12)";
      Finding finding =
          find(
              input(
                  healthy(dir),
                  snapshot(
                      "web-1",
                      9,
                      List.of(),
                      List.of(),
                      List.of(new CloseWaitStats(open, Role.CLIENT, 3)))),
              "CLOSE_WAIT_LEAK");
      assertEquals(Severity.CRITICAL, finding.severity());
      assertTrue(finding.recommendation().contains(open));
    }

    @Test
    void fewIsFine() {
      assertNull(find(input(withCloseWait(dir, 10)), "CLOSE_WAIT_LEAK"));
    }
  }

  @Nested
  class Agent {
    static final String SITE = "com.example.Client.call(Client.java:42)";

    @Test
    void abortiveCloses() {
      Finding finding =
          find(
              TestHosts.snapshotsOnly(
                  snapshot(
                      "web-1",
                      1,
                      List.of(clientSite(SITE, 5, 4, REMOTE + ":443")),
                      List.of(),
                      List.of())),
              "ABORTIVE_CLOSES");
      assertNotNull(finding);
      assertTrue(finding.recommendation().contains(SITE));
      assertNull(
          find(
              TestHosts.snapshotsOnly(
                  snapshot(
                      "web-1",
                      1,
                      List.of(clientSite(SITE, 5, 0, REMOTE + ":443")),
                      List.of(),
                      List.of())),
              "ABORTIVE_CLOSES"));
    }

    @Test
    void churningSiteIsNamed() {
      Finding finding =
          find(
              TestHosts.snapshotsOnly(
                  snapshot(
                      "web-1",
                      1,
                      List.of(clientSite(SITE, 5000, 0, REMOTE + ":443")),
                      recent(SITE, LOCAL, REMOTE + ":443", 150),
                      List.of())),
              "CLIENT_CHURN_SITE");
      assertNotNull(finding);
      assertTrue(
          finding.title().startsWith(SITE + " opens and closes 150 client connections a minute"),
          finding.title());
      assertTrue(finding.recommendation().contains("Reuse connections at " + SITE));
    }

    @Test
    void slowSiteIsFine() {
      assertNull(
          find(
              TestHosts.snapshotsOnly(
                  snapshot(
                      "web-1",
                      1,
                      List.of(clientSite(SITE, 5000, 0, REMOTE + ":443")),
                      recent(SITE, LOCAL, REMOTE + ":443", 20),
                      List.of())),
              "CLIENT_CHURN_SITE"));
    }

    @Test
    void rateFromTwoSnapshotsOfTheWindow() {
      var start =
          snapshot(
              "web-1",
              1,
              List.of(clientSite(SITE, 1000, 0, REMOTE + ":443")),
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
              List.of(clientSite(SITE, 1030, 0, REMOTE + ":443")),
              List.of(),
              start.overflow(),
              List.of(),
              List.of(),
              0,
              null);
      AnalysisInput input =
          new AnalysisInput(
              null, null, List.of(), List.of(end), List.of(start), Thresholds.defaults());
      SiteRate rate = AgentActivity.siteRates(input).get(0);
      assertEquals(180.0, rate.activePerMinute(), 0.001);
      assertNotNull(find(input, "CLIENT_CHURN_SITE"));
    }
  }

  @Nested
  class Healthy {
    @Test
    void healthyHostGetsNoTuningAdvice() {
      List<Finding> findings = analyze(input(healthy(dir)));
      assertEquals(List.of("HEALTHY"), findings.stream().map(Finding::id).toList());
      for (Finding finding : findings) {
        assertFalse(finding.recommendation().contains("sysctl -w"), finding.recommendation());
      }
      assertTrue(findings.get(0).title().contains("no tuning is needed"));
    }

    @Test
    void anEmptyTreeIsNotHealthy() {
      AnalysisInput input = input(HostTreeBuilder.in(dir));
      assertNull(find(input, "HEALTHY"));
      Finding finding = find(input, "HOST_UNREADABLE");
      assertNotNull(finding);
      assertEquals(Severity.WARNING, finding.severity());
      assertNull(find(input(healthy(dir.resolve("full"))), "HOST_UNREADABLE"));
    }

    @Test
    void anyWarningRemovesHealthy() {
      assertNull(find(input(healthy(dir).sysctl("net.ipv4.tcp_timestamps", "0")), "HEALTHY"));
    }

    @Test
    void infoFindingsKeepHealthy() {
      AnalysisInput input = input(healthy(dir).sysctl("net.ipv4.tcp_fin_timeout", "30"));
      assertNotNull(find(input, "HEALTHY"));
      assertNotNull(find(input, "FIN_TIMEOUT_MYTH"));
    }
  }

  @Test
  void findingsAreSortedBySeverity() {
    List<Finding> findings =
        analyze(
            input(
                healthy(dir)
                    .kernel("4.9.0")
                    .sysctl("net.ipv4.tcp_tw_recycle", "1")
                    .sysctl("net.ipv4.ip_forward", "1")
                    .sysctl("net.ipv4.tcp_fin_timeout", "30")));
    assertEquals("TW_RECYCLE_NAT", findings.get(0).id());
    for (int i = 1; i < findings.size(); i++) {
      assertTrue(findings.get(i - 1).severity().compareTo(findings.get(i).severity()) <= 0);
    }
  }
}
