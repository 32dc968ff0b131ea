package dev.timewait.core.snapshot;

/**
 * Closes that did not fit the agent's bounded tables, and closes whose site was not walked.
 *
 * @param sites closes added to the {@code (other sites)} row
 * @param endpoints closes added to the {@code (other endpoints)} row
 * @param recentActiveCloses active closes left out of {@link Snapshot#recentActiveCloses()}
 * @param sitesSampledOut closes past the agent's {@code siteRate} whose stacks were not walked:
 *     counted exactly in the totals and endpoints, and in the site rows through the sampled closes'
 *     weights ({@link SiteStats#estimated()})
 */
public record OverflowCounts(
    long sites, long endpoints, long recentActiveCloses, long sitesSampledOut) {

  /** Counts of a JVM whose site rows are all exact. */
  public OverflowCounts(long sites, long endpoints, long recentActiveCloses) {
    this(sites, endpoints, recentActiveCloses, 0);
  }
}
