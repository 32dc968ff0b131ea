package dev.timewait.core.snapshot;

import java.util.List;

/**
 * This JVM's recent active closes matched 4-tuple by 4-tuple with the host's TIME_WAIT table.
 *
 * @param recentCloses recent active closes looked for
 * @param confirmed of those, the ones the kernel holds in TIME_WAIT
 * @param hostTimeWait the host's TIME_WAIT sockets at the sample
 * @param confirmedShare {@code confirmed / recentCloses}, or null when there were none
 * @param ownedShareOfHost {@code confirmed / hostTimeWait}, or null when the host had none
 * @param sites the TIME_WAIT sockets each close site owns, largest first
 */
public record HostMatch(
    long recentCloses,
    long confirmed,
    long hostTimeWait,
    Double confirmedShare,
    Double ownedShareOfHost,
    List<OwnedSite> sites) {

  public HostMatch {
    sites = Snapshot.withoutNulls(sites);
  }

  /**
   * TIME_WAIT sockets one close site owns.
   *
   * @param site close site
   * @param openSite open site, or null
   * @param role which side this JVM was
   * @param timeWait the kernel's TIME_WAIT sockets matched to it
   */
  public record OwnedSite(String site, String openSite, Role role, long timeWait) {}
}
