package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.net.InetSocketAddress;

/**
 * What the agent keeps about one open connection between its open and its close. Holds no reference
 * to the socket, so that tracking never keeps a socket alive.
 */
public final class Connection {
  public final Role role;
  public final CodeSite openSite;
  final InetSocketAddress remote;
  volatile InetSocketAddress local;
  public volatile boolean established;
  public final boolean internal;

  /** When the background scan first saw the peer's FIN while the application kept the socket. */
  public volatile long peerClosedSeenAt;

  /** The verdict taken when {@code shutdownOutput} sent our FIN, or null while no FIN has left. */
  volatile CloseKind finVerdict;

  public Connection(
      Role role,
      CodeSite openSite,
      InetSocketAddress remote,
      boolean established,
      boolean internal) {
    this.role = role;
    this.openSite = openSite;
    this.remote = remote;
    this.established = established;
    this.internal = internal;
  }

  /** True when this entry belongs to the connection now using the same descriptor number. */
  public boolean sameRemote(InetSocketAddress other) {
    return remote == null || other == null || remote.equals(other);
  }
}
