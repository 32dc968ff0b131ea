package dev.timewait.agent.internal.hook;

/**
 * The kernel's TCP states as {@code TCP_INFO} reports them ({@code tcpi_state}, Linux {@code
 * include/net/tcp_states.h}), and what each tells about whose FIN came first.
 */
public final class TcpStates {
  /** Not known: no {@code TCP_INFO} on this system. */
  public static final int UNKNOWN = 0;

  public static final int ESTABLISHED = 1;
  public static final int FIN_WAIT1 = 4;
  public static final int FIN_WAIT2 = 5;
  public static final int TIME_WAIT = 6;

  /** Over: reset, or the closing handshake finished while the descriptor stayed open. */
  public static final int CLOSE = 7;

  public static final int CLOSE_WAIT = 8;
  public static final int LAST_ACK = 9;
  public static final int LISTEN = 10;
  public static final int CLOSING = 11;

  private TcpStates() {}

  /** Our FIN left before the peer's: this side will hold TIME_WAIT. */
  public static boolean weClosedFirst(int state) {
    return state == FIN_WAIT1 || state == FIN_WAIT2 || state == CLOSING || state == TIME_WAIT;
  }

  /** The peer's FIN arrived before ours left. */
  public static boolean peerClosedFirst(int state) {
    return state == CLOSE_WAIT || state == LAST_ACK;
  }

  /** Neither FIN has left: the connection is still open both ways. */
  public static boolean open(int state) {
    return state == ESTABLISHED;
  }
}
