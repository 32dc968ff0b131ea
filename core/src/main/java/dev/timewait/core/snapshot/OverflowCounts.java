package dev.timewait.core.snapshot;

/**
 * Closes that did not fit the agent's bounded tables.
 *
 * @param sites closes added to the {@code (other sites)} row
 * @param endpoints closes added to the {@code (other endpoints)} row
 * @param recentActiveCloses active closes left out of {@link Snapshot#recentActiveCloses()}
 */
public record OverflowCounts(long sites, long endpoints, long recentActiveCloses) {}
