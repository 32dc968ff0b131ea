package dev.timewait.analyzer.report;

import static dev.timewait.core.rules.TestHosts.LOCAL;
import static dev.timewait.core.rules.TestHosts.REMOTE;

import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.HostTreeBuilder;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.TestHosts;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reports built from host trees and snapshots in known states. */
final class ReportFixtures {

  /** A site name that would run as script if a renderer forgot to escape it. */
  static final String HOSTILE_SITE = "com.example.<script>window.pwned=1</script>.call(X.java:1)";

  static final String SITE = "com.example.Client.call(Client.java:42)";

  /** A site that only resets connections: no active close, so no bar in the top-sites chart. */
  static final String RESET_ONLY_SITE = "com.example.Linger.reset(Linger.java:5)";

  private ReportFixtures() {}

  /** An old kernel with tcp_tw_recycle on, forwarding and PAWSPassive: the worst case. */
  static HostTreeBuilder recycleBehindNat(Path dir) {
    return TestHosts.healthy(dir)
        .kernel("4.9.0-19-amd64")
        .sysctl("net.ipv4.tcp_tw_recycle", "1")
        .sysctl("net.ipv4.ip_forward", "1")
        .tcpExt("PAWSPassive", 421);
  }

  /** A busy client host with two JVM snapshots, one site of which is hostile. */
  static Report busyReport(Path dir) {
    HostTreeBuilder tree = TestHosts.healthy(dir).sysctl("net.ipv4.tcp_tw_reuse", "0");
    TestHosts.clientTimeWait(tree, LOCAL, REMOTE, 443, 70);
    HostCollector collector = new LinuxProcCollector(tree.build());
    HostSample start = collector.sampleTable();
    List<HostSample> series = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      series.add(collector.sampleCounters());
    }
    HostSample end = collector.sampleTable();
    Snapshot web =
        TestHosts.snapshot(
            "web-1",
            101,
            List.of(
                TestHosts.clientSite(SITE, 9000, 0, REMOTE + ":443"),
                TestHosts.clientSite(HOSTILE_SITE, 300, 2, REMOTE + ":443"),
                TestHosts.clientSite(RESET_ONLY_SITE, 0, 12, REMOTE + ":443")),
            TestHosts.recent(SITE, LOCAL, REMOTE + ":443", 150),
            List.of());
    Snapshot batch =
        TestHosts.snapshot(
            "batch-2",
            202,
            List.of(
                TestHosts.clientSite(
                    "com.example.Batch.run(Batch.java:9)", 40, 0, "198.51.100.9:5432"),
                TestHosts.clientSite(SITE, 25, 0, "198.51.100.9:5432")),
            List.of(),
            List.of());
    AnalysisInput input =
        new AnalysisInput(
            start, end, series, List.of(web, batch), List.of(), Thresholds.defaults());
    return ReportBuilder.build(
        input,
        Analyzer.standard().analyze(input),
        List.of("host tree " + dir, "snapshot web-1.json", "snapshot batch-2.json"),
        Instant.parse("2026-11-24T15:30:00Z"));
  }

  static Report reportOf(HostTreeBuilder tree) {
    AnalysisInput input = TestHosts.input(tree);
    return ReportBuilder.build(
        input, Analyzer.standard().analyze(input), List.of("host tree"), Instant.EPOCH);
  }
}
