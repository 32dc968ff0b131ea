package dev.timewait.agent.internal.hook;

import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;

/**
 * What the agent keeps about one open connection between its open and its close. Holds no reference
 * to the socket outside a close in progress, so that tracking never keeps a socket alive.
 */
public final class Connection {
  private static final VarHandle CLOSER;
  private static final VarHandle IDLE_COUNTED;

  static {
    try {
      CLOSER = MethodHandles.lookup().findVarHandle(Connection.class, "closer", Thread.class);
      IDLE_COUNTED =
          MethodHandles.lookup().findVarHandle(Connection.class, "idleCounted", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The descriptor number, the key of {@link OpenConnections}. */
  final int fd;

  public final Role role;

  /** May be replaced once by the site a library was handed by the application (see HandOffs). */
  public volatile CodeSite openSite;

  final InetSocketAddress remote;
  volatile InetSocketAddress local;
  public volatile boolean established;
  public final boolean internal;

  /**
   * How many connections this one stands for in the site rows ({@link SiteSampling}); 0: its sites
   * are not walked.
   */
  final int weight;

  /** When the background scan first saw the peer's FIN while the application kept the socket. */
  public volatile long peerClosedSeenAt;

  /**
   * How long the connection sat idle before the peer's FIN, in milliseconds ({@link IdleTimes}), or
   * {@link IdleTimes#UNKNOWN}: read for client connections while the descriptor is still open.
   */
  volatile long idleBeforePeerFin = IdleTimes.UNKNOWN;

  /** The idle time has been counted in its endpoint's row (by the close or the CLOSE_WAIT scan). */
  private volatile boolean idleCounted;

  /** The verdict taken when {@code shutdownOutput} sent our FIN, or null while no FIN has left. */
  volatile CloseKind finVerdict;

  /** The application code that asked a library to close this connection, or null. */
  volatile CodeSite requestedCloseSite;

  // The close in progress: written and read by the closing thread only.
  private volatile Thread closer;
  Object closingSocket;
  int before;
  int after;
  int halfCloseBefore;
  boolean descriptorGone;
  boolean deferred;
  boolean notASocket;

  /**
   * The close returned with our FIN sent, data left unread and the descriptor still open (a
   * selector-registered channel, freed at the selector's next turn): the verdict waits for the
   * descriptor's close, which sends a reset only if the handshake has not ended by then. Set by the
   * closing thread, cleared by the one that closes the descriptor; the entry stays in the table
   * meanwhile.
   */
  volatile boolean awaitingDescriptor;

  /** The close site taken at the close, when the record waits for the descriptor's close. */
  CodeSite pendingCloseSite;

  public Connection(
      int fd,
      Role role,
      CodeSite openSite,
      InetSocketAddress remote,
      boolean established,
      boolean internal,
      int weight) {
    this.fd = fd;
    this.weight = weight;
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

  /** Makes the calling thread the one closing this connection; false if another one is. */
  boolean claim() {
    return CLOSER.compareAndSet(this, (Thread) null, Thread.currentThread());
  }

  /** Makes the caller the one that counts this connection's idle time; false if it was counted. */
  boolean claimIdle() {
    return IDLE_COUNTED.compareAndSet(this, false, true);
  }

  boolean closingOn(Thread thread) {
    return closer == thread;
  }
}
