package dev.timewait.core.rules;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.snapshot.CloseCounts;
import dev.timewait.core.snapshot.CloseTotals;
import dev.timewait.core.snapshot.CloseWaitStats;
import dev.timewait.core.snapshot.JvmInfo;
import dev.timewait.core.snapshot.OverflowCounts;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.SiteEndpoint;
import dev.timewait.core.snapshot.SiteStats;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.testing.HostTreeBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Snapshots in known states and samples of host trees, for rule tests. */
public final class TestHosts {

  public static final Instant NOW = Instant.parse("2026-11-24T15:20:00Z");

  private TestHosts() {}

  /** Samples a tree with the Linux collector. */
  public static HostSample sample(HostTreeBuilder tree) {
    return new LinuxProcCollector(HostRoot.of(tree.build())).sampleTable();
  }

  /** Input of one host sample with default thresholds. */
  public static AnalysisInput input(HostTreeBuilder tree) {
    return AnalysisInput.ofHost(sample(tree), Thresholds.defaults());
  }

  /** Input of one host and some snapshots. */
  public static AnalysisInput input(HostTreeBuilder tree, Snapshot... snapshots) {
    HostSample host = sample(tree);
    return new AnalysisInput(
        host, host, List.of(), List.of(snapshots), List.of(), Thresholds.defaults());
  }

  /** Input of snapshots only. */
  public static AnalysisInput snapshotsOnly(Snapshot... snapshots) {
    return new AnalysisInput(
        null, null, List.of(), List.of(snapshots), List.of(), Thresholds.defaults());
  }

  /** A client site with {@code active} closes to {@code remote}. */
  public static SiteStats clientSite(String site, long active, long abortive, String remote) {
    return new SiteStats(
        site,
        "com.example.Client.connect(Client.java:30)",
        Role.CLIENT,
        active,
        0,
        abortive,
        List.of(site, "com.example.Main.main(Main.java:7)"),
        List.of(new SiteEndpoint(remote, active)));
  }

  /** A server site with {@code active} closes. */
  public static SiteStats serverSite(String site, long active) {
    return new SiteStats(
        site,
        "com.example.Server.accept(Server.java:12)",
        Role.SERVER,
        active,
        0,
        0,
        List.of(site),
        List.of());
  }

  /**
   * {@code count} recent active closes of {@code site} to {@code remote}, within the last minute.
   */
  public static List<RecentClose> recent(String site, String local, String remote, int count) {
    List<RecentClose> closes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      closes.add(
          new RecentClose(
              SocketPair.parse(local + ":" + (40000 + i), remote),
              NOW.minusMillis(50_000L * i / Math.max(1, count)),
              site,
              "com.example.Client.connect(Client.java:30)",
              Role.CLIENT));
    }
    return closes;
  }

  /** A snapshot of one JVM. */
  public static Snapshot snapshot(
      String host,
      long pid,
      List<SiteStats> sites,
      List<RecentClose> recent,
      List<CloseWaitStats> closeWait) {
    long active = 0;
    long abortive = 0;
    long clientActive = 0;
    long serverActive = 0;
    for (SiteStats site : sites) {
      active += site.active();
      abortive += site.abortive();
      if (site.role() == Role.SERVER) {
        serverActive += site.active();
      } else {
        clientActive += site.active();
      }
    }
    CloseTotals totals =
        new CloseTotals(
            active,
            0,
            abortive,
            Map.of(
                Role.CLIENT, new CloseCounts(clientActive, 0, abortive),
                Role.SERVER, new CloseCounts(serverActive, 0, 0)));
    return new Snapshot(
        Snapshot.SCHEMA,
        NOW,
        "0.1.0",
        new JvmInfo(pid, "17.0.15", "com.example.Main", host),
        NOW.minusSeconds(600),
        totals,
        sites,
        List.of(),
        new OverflowCounts(0, 0, 0),
        closeWait,
        recent,
        0,
        null);
  }
}
