package dev.timewait.analyzer.report;

import static dev.timewait.testing.HostTreeBuilder.LOCAL;
import static dev.timewait.testing.HostTreeBuilder.REMOTE;

import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.Analyzer;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotException;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.HostTreeBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
    return HostTreeBuilder.healthy(dir)
        .kernel("4.9.0-19-amd64")
        .sysctl("net.ipv4.tcp_tw_recycle", "1")
        .sysctl("net.ipv4.ip_forward", "1")
        .tcpExt("PAWSPassive", 421);
  }

  /** A busy client host with two JVM snapshots, one site of which is hostile. */
  static Report busyReport(Path dir) {
    HostTreeBuilder tree = HostTreeBuilder.healthy(dir).sysctl("net.ipv4.tcp_tw_reuse", "0");
    tree.clientTimeWait(LOCAL, REMOTE, 443, 70);
    HostCollector collector = new LinuxProcCollector(HostRoot.of(tree.build()));
    HostSample start = collector.sampleTable();
    List<HostSample> series = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      series.add(collector.sampleCounters());
    }
    HostSample end = collector.sampleTable();
    Snapshot web = snapshot("web-1");
    Snapshot batch = snapshot("batch-2");
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
    return reportOf(input(tree), "host tree");
  }

  /** A report of {@code input}, its source named {@code source}. */
  static Report reportOf(AnalysisInput input, String source) {
    return ReportBuilder.build(
        input, Analyzer.standard().analyze(input), List.of(source), Instant.EPOCH);
  }

  /** One host sample of {@code tree} and the given snapshots, with default thresholds. */
  static AnalysisInput input(HostTreeBuilder tree, Snapshot... snapshots) {
    HostSample host = new LinuxProcCollector(HostRoot.of(tree.build())).sampleTable();
    return new AnalysisInput(
        host, host, List.of(), List.of(snapshots), List.of(), Thresholds.defaults());
  }

  /**
   * A snapshot of {@code src/test/resources/snapshot/NAME.json}, read as the command line reads
   * one: {@code web-1} (client sites {@link #SITE}, {@link #HOSTILE_SITE} and {@link
   * #RESET_ONLY_SITE}, 150 recent closes from LOCAL to REMOTE:443), {@code batch-2} (a batch site
   * and {@link #SITE} again), {@code hostile-host} (a host name that is a script).
   */
  static Snapshot snapshot(String name) {
    String resource = "/snapshot/" + name + ".json";
    try (InputStream in = ReportFixtures.class.getResourceAsStream(resource)) {
      return new SnapshotReader()
          .read(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
    } catch (IOException | SnapshotException e) {
      throw new IllegalStateException(resource, e);
    }
  }
}
