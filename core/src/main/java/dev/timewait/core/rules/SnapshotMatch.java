package dev.timewait.core.rules;

import dev.timewait.core.match.MatchResult;
import dev.timewait.core.match.SiteOwnership;
import dev.timewait.core.snapshot.Snapshot;

/**
 * A snapshot's recent active closes matched with the host's TIME_WAIT table.
 *
 * @param snapshot the snapshot
 * @param result what the kernel still holds
 */
public record SnapshotMatch(Snapshot snapshot, MatchResult result) {

  /** The ownership row of one site, or null. */
  SiteOwnership site(String site, String openSite) {
    for (SiteOwnership owned : result.sites()) {
      if (owned.site() != null
          && owned.site().equals(site)
          && (owned.openSite() == null || owned.openSite().equals(openSite))) {
        return owned;
      }
    }
    return null;
  }
}
