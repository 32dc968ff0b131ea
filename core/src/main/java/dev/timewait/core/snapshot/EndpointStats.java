package dev.timewait.core.snapshot;

/**
 * Closes per remote endpoint over all sites.
 *
 * @param remote {@code ip:port} ({@code [v6]:port}), or {@code (other endpoints)}
 * @param active active closes
 * @param passive passive closes
 * @param abortive resets
 * @param peerIdle how long this JVM's connections to the endpoint sat idle before the peer closed
 *     them, or null when none was measured
 */
public record EndpointStats(
    String remote, long active, long passive, long abortive, PeerIdleTimes peerIdle) {

  /** Name of the row that adds up the endpoints past the agent's {@code maxEndpoints}. */
  public static final String OTHER_ENDPOINTS = "(other endpoints)";

  /** A row with no idle times measured. */
  public EndpointStats(String remote, long active, long passive, long abortive) {
    this(remote, active, passive, abortive, null);
  }
}
