package dev.timewait.core.match;

import dev.timewait.core.host.HostSample;
import java.time.Duration;
import java.util.List;

/**
 * How a JVM's recent active closes line up with the host's TIME_WAIT table.
 *
 * @param recentCloses distinct 4-tuples among the snapshot's recent active closes
 * @param unreadableCloses recent closes whose endpoints did not parse (left out)
 * @param droppedCloses closes the agent left out of its bounded recent list ({@code
 *     overflow.recentActiveCloses}): when non-zero, the owned counts are lower bounds
 * @param confirmed recent closes the kernel holds in TIME_WAIT now
 * @param hostTimeWait all TIME_WAIT sockets of the host
 * @param sites per code site, most TIME_WAIT sockets first
 * @param snapshotAge time between the snapshot and the host sample, or null when unknown; closes
 *     older than 60 s have left TIME_WAIT, so an old snapshot confirms little
 * @param sample the host sample matched against
 */
public record MatchResult(
    long recentCloses,
    long unreadableCloses,
    long droppedCloses,
    long confirmed,
    long hostTimeWait,
    List<SiteOwnership> sites,
    Duration snapshotAge,
    HostSample sample) {

  public MatchResult {
    sites = List.copyOf(sites);
  }

  /**
   * Share of the recent closes the kernel holds in TIME_WAIT, 0..1, or null when there are none.
   */
  public Double confirmedShare() {
    return recentCloses == 0 ? null : (double) confirmed / recentCloses;
  }

  /** Share of the host's TIME_WAIT sockets this JVM owns, 0..1, or null when the host has none. */
  public Double ownedShareOfHost() {
    return hostTimeWait == 0 ? null : (double) confirmed / hostTimeWait;
  }
}
