package dev.timewait.analyzer.cli;

import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.host.oshi.OshiHostCollector;
import dev.timewait.core.match.TimeWaitMatcher;
import dev.timewait.core.rules.AnalysisInput;
import dev.timewait.core.rules.SnapshotMatch;
import dev.timewait.core.rules.Thresholds;
import dev.timewait.core.snapshot.Snapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A host sampled over a window: its connection table at the start and at the end, its counters in
 * between (the TIME_WAIT-over-time chart); at the end, agent snapshots are matched with the last
 * table. Without a collector (no host) every step does nothing.
 */
final class HostWindow {

  private final HostCollector collector;
  private final List<HostSample> series = new ArrayList<>();
  private HostSample start;
  private HostSample end;

  /** {@code collector} is null when no host is sampled. */
  HostWindow(HostCollector collector) {
    this.collector = collector;
  }

  /** This host: through {@code /proc} on Linux, elsewhere through OSHI; adds it to sources. */
  static HostCollector thisHost(List<String> sources) {
    if (Files.isReadable(Path.of("/proc/net/tcp"))) {
      sources.add("this host");
      return new LinuxProcCollector();
    }
    // No Linux /proc: macOS, Windows and the like are sampled through OSHI.
    sources.add("this host (OSHI)");
    return new OshiHostCollector();
  }

  /** Reads the connection table that opens the window. */
  void start() {
    if (collector != null) {
      start = collector.sampleTable();
    }
  }

  /** Reads the counters once, for the chart of TIME_WAIT over the window. */
  void sampleCounters() {
    if (collector != null) {
      series.add(collector.sampleCounters());
    }
  }

  /** Closes the window: reads the table again, or, for a single sample, keeps the first one. */
  void end(boolean singleSample) {
    if (collector != null) {
      end = singleSample ? start : collector.sampleTable();
    }
  }

  /**
   * What the rules look at: this window and the given snapshots, whose recent active closes are
   * matched with the host's TIME_WAIT table now.
   */
  AnalysisInput input(
      List<Snapshot> snapshots,
      List<Snapshot> snapshotsAtStart,
      Thresholds thresholds,
      Progress progress) {
    List<SnapshotMatch> matches = new ArrayList<>();
    if (collector != null) {
      TimeWaitMatcher matcher = new TimeWaitMatcher(collector);
      for (Snapshot snapshot : snapshots) {
        if (!snapshot.recentActiveCloses().isEmpty()) {
          progress.show("matching recent closes with the TIME_WAIT table ...");
          matches.add(new SnapshotMatch(snapshot, matcher.match(snapshot)));
        }
      }
    }
    return new AnalysisInput(start, end, series, snapshots, snapshotsAtStart, thresholds, matches);
  }
}
