package dev.timewait.examples;

import dev.timewait.core.host.IpAddresses;
import java.net.InetSocketAddress;

/**
 * A connection's 4-tuple as seen from {@code side}, with the kernel state that side must hold for
 * it.
 *
 * <p>{@code state} is {@code TIME_WAIT}, {@code CLOSE_WAIT} (held while the scenario ran) or {@code
 * CLOSED} (no socket left on either side, as after an abortive close).
 */
public record ExpectedTuple(
    String state, Side side, InetSocketAddress local, InetSocketAddress remote) {

  /**
   * The tuple of a connection accepted by the server, written from {@code side}'s point of view.
   */
  public static ExpectedTuple of(String state, Side side, AcceptedConnection connection) {
    return side == Side.SERVER
        ? new ExpectedTuple(state, side, connection.server(), connection.client())
        : new ExpectedTuple(state, side, connection.client(), connection.server());
  }

  /** One tuple-file line: {@code scenario state side local remote}. */
  public String line(String scenario) {
    return scenario
        + " "
        + state
        + " "
        + side.label()
        + " "
        + IpAddresses.withPort(local.getAddress(), local.getPort())
        + " "
        + IpAddresses.withPort(remote.getAddress(), remote.getPort());
  }
}
