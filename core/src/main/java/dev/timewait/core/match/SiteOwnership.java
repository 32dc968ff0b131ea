package dev.timewait.core.match;

import dev.timewait.core.snapshot.Role;

/**
 * The TIME_WAIT sockets one code site owns on the host now.
 *
 * @param site the frame that closed
 * @param openSite the frame that opened, or null when unknown
 * @param role which side the JVM was
 * @param recentCloses the site's active closes in the snapshot's recent list
 * @param timeWait of those, the ones the kernel holds in TIME_WAIT now
 * @param shareOfHostTimeWait {@code timeWait} over all the host's TIME_WAIT sockets, 0..1, or null
 *     when the host has none
 */
public record SiteOwnership(
    String site,
    String openSite,
    Role role,
    long recentCloses,
    long timeWait,
    Double shareOfHostTimeWait) {}
