package dev.timewait.core.rules;

import dev.timewait.core.host.HostSample;
import dev.timewait.core.snapshot.Snapshot;
import java.time.Duration;
import java.util.List;

/**
 * Everything the rules look at, already collected.
 *
 * @param hostStart the host at the start of the window (with its connection table), or null when no
 *     host was sampled
 * @param hostEnd the host at the end of the window; the same object as {@code hostStart} for a
 *     single sample, null when no host was sampled
 * @param counterSeries counter samples taken during the window, oldest first (may be empty)
 * @param snapshots the newest agent snapshot of every JVM
 * @param snapshotsAtStart snapshots of the same JVMs read at the start of the window (may be empty)
 * @param thresholds the numbers at which rules fire
 * @param matches the snapshots' recent active closes matched with the host's TIME_WAIT table at the
 *     end of the window (may be empty)
 */
public record AnalysisInput(
    HostSample hostStart,
    HostSample hostEnd,
    List<HostSample> counterSeries,
    List<Snapshot> snapshots,
    List<Snapshot> snapshotsAtStart,
    Thresholds thresholds,
    List<SnapshotMatch> matches) {

  public AnalysisInput {
    matches = List.copyOf(matches);
    counterSeries = List.copyOf(counterSeries);
    snapshots = List.copyOf(snapshots);
    snapshotsAtStart = List.copyOf(snapshotsAtStart);
    if (hostEnd == null) {
      hostEnd = hostStart;
    }
  }

  /** Input without matching of agent closes to the host's table. */
  public AnalysisInput(
      HostSample hostStart,
      HostSample hostEnd,
      List<HostSample> counterSeries,
      List<Snapshot> snapshots,
      List<Snapshot> snapshotsAtStart,
      Thresholds thresholds) {
    this(hostStart, hostEnd, counterSeries, snapshots, snapshotsAtStart, thresholds, List.of());
  }

  /** Input of one host sample and no agent data. */
  public static AnalysisInput ofHost(HostSample host, Thresholds thresholds) {
    return new AnalysisInput(host, host, List.of(), List.of(), List.of(), thresholds);
  }

  /** The newest host sample, or null. */
  public HostSample host() {
    return hostEnd;
  }

  /** Length of the sampling window; zero for a single sample. */
  public Duration window() {
    if (hostStart == null || hostStart == hostEnd) {
      return Duration.ZERO;
    }
    return Duration.between(hostStart.takenAt(), hostEnd.takenAt());
  }
}
