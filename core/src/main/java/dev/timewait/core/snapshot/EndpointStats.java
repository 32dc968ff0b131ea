package dev.timewait.core.snapshot;

/**
 * Closes per remote endpoint over all sites.
 *
 * @param remote {@code ip:port} ({@code [v6]:port}), or {@code (other endpoints)}
 * @param active active closes
 * @param passive passive closes
 * @param abortive resets
 */
public record EndpointStats(String remote, long active, long passive, long abortive) {

  /** Name of the row that adds up the endpoints past the agent's {@code maxEndpoints}. */
  public static final String OTHER_ENDPOINTS = "(other endpoints)";
}
