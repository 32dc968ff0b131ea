package dev.timewait.agent.internal.hook;

import dev.timewait.core.snapshot.CloseKind;
import java.io.FileDescriptor;

/**
 * Judges a connection's end by the kernel's answers around the moment our first FIN leaves: at a
 * half-close ({@code shutdownOutput}) or at close, whichever comes first.
 *
 * <p>An answer is a <em>probe</em>, packed into an {@code int}: the TCP state in the low byte (from
 * {@code TCP_INFO}; {@link TcpStates#UNKNOWN} elsewhere) and the bits below. A probe taken right
 * after the system call that sent our FIN (a {@code shutdown(SHUT_WR)}, which leaves the descriptor
 * open) tells who was first as the kernel has it: FIN_WAIT or CLOSING means we were, LAST_ACK means
 * the peer was, even when its FIN crossed ours. Where the FIN leaves with the close itself the
 * descriptor is gone after it, so the last probe before it decides.
 */
public final class CloseClassifier {
  /** The probe was taken. */
  public static final int TAKEN = 1 << 8;

  /** The peer's FIN (or a reset) had arrived. */
  public static final int PEER_CLOSED = 1 << 9;

  /** Received data was waiting unread: a close then sends RST. */
  public static final int DATA_PENDING = 1 << 10;

  /** {@code SO_LINGER} was on with 0 s: a close then sends RST. */
  public static final int LINGER_ZERO = 1 << 11;

  private CloseClassifier() {}

  /**
   * What the kernel says before our FIN leaves: state, unread data and, with {@code askLinger},
   * {@code SO_LINGER} when neither decides already. Two or three system calls.
   */
  public static int probe(KernelAnswers kernel, FileDescriptor fd, boolean askLinger)
      throws Throwable {
    int state = kernel.tcpState(fd);
    int probe;
    if (state != TcpStates.UNKNOWN) {
      probe = TAKEN | state;
      if (!TcpStates.open(state) && !TcpStates.weClosedFirst(state)) {
        probe |= PEER_CLOSED; // CLOSE_WAIT, LAST_ACK, or CLOSE after a reset
      }
      if (kernel.unread(fd) > 0) {
        probe |= DATA_PENDING;
      }
    } else {
      int peer = kernel.peerState(fd);
      probe =
          TAKEN
              | ((peer & KernelAnswers.PEER_CLOSED) != 0 ? PEER_CLOSED : 0)
              | ((peer & KernelAnswers.DATA_PENDING) != 0 ? DATA_PENDING : 0);
    }
    if (askLinger && (probe & (PEER_CLOSED | DATA_PENDING)) == 0 && kernel.lingerZero(fd)) {
      probe |= LINGER_ZERO;
    }
    return probe;
  }

  /** The TCP state alone, right after the system call that sent our FIN: one system call. */
  public static int stateAfter(KernelAnswers kernel, FileDescriptor fd) throws Throwable {
    return TAKEN | kernel.tcpState(fd);
  }

  /**
   * The verdict of a half-close ({@code shutdownOutput}).
   *
   * @param before the probe taken before the call
   * @param after {@link #stateAfter} taken right after it, or 0
   */
  public static CloseKind atHalfClose(int before, int after) {
    int state = after & 0xff;
    if ((after & TAKEN) != 0) {
      if (TcpStates.weClosedFirst(state)) {
        return CloseKind.ACTIVE;
      }
      if (TcpStates.peerClosedFirst(state)) {
        return CloseKind.PASSIVE;
      }
      // CLOSE: the whole closing handshake (or a reset) ran within the call; the probe before it
      // tells whether the peer's FIN had come in by then. Anything else: the call sent no FIN.
    }
    return (before & PEER_CLOSED) != 0 ? CloseKind.PASSIVE : CloseKind.ACTIVE;
  }

  /**
   * Whether a close that returned with {@code before} and {@code after} left its verdict to the
   * descriptor's close: our FIN has left with the close's own shutdown, data waits unread, and the
   * descriptor is still open. Closing it resets the connection unless the peer's FIN comes first
   * (the kernel then holds the 4-tuple in TIME_WAIT apart from the socket, and a close of the
   * socket sends nothing).
   */
  public static boolean undecidedUntilDescriptorCloses(int before, int after) {
    return (before & DATA_PENDING) != 0
        && (after & TAKEN) != 0
        && TcpStates.weClosedFirst(after & 0xff)
        && (after & 0xff) != TcpStates.TIME_WAIT;
  }

  /**
   * The verdict of such a close ({@link #undecidedUntilDescriptorCloses}) from {@link #probe} taken
   * right before the descriptor closes: a reset while the connection is still in FIN_WAIT or
   * CLOSING with data unread, else active.
   */
  public static CloseKind atDescriptorClose(int last) {
    int state = last & 0xff;
    if ((last & TAKEN) != 0
        && (last & DATA_PENDING) != 0
        && (state == TcpStates.FIN_WAIT1
            || state == TcpStates.FIN_WAIT2
            || state == TcpStates.CLOSING)) {
      return CloseKind.ABORTIVE;
    }
    return CloseKind.ACTIVE;
  }

  /**
   * The verdict at close.
   *
   * @param before the probe taken at the last point before the close's system call
   * @param after {@link #stateAfter} taken right after a {@code shutdown(SHUT_WR)} the close made
   *     itself before closing the descriptor (as {@code java.net.Socket} does unless linger is 0),
   *     or 0
   * @param halfClose the verdict of an earlier {@code shutdownOutput}, or null
   */
  public static CloseKind atClose(int before, int after, CloseKind halfClose) {
    if (halfClose != null) {
      if ((before & PEER_CLOSED) != 0) {
        return halfClose; // the handshake is over: nothing left to reset
      }
      return (before & (DATA_PENDING | LINGER_ZERO)) != 0 ? CloseKind.ABORTIVE : halfClose;
    }
    int state = after & 0xff;
    if ((before & DATA_PENDING) != 0) {
      if ((after & TAKEN) != 0 && state == TcpStates.CLOSE) {
        // the close's own shutdown ended the handshake at once: the kernel holds the TIME_WAIT
        // apart from the socket, and closing the descriptor sends nothing, unread data or not
        return atHalfClose(before, after);
      }
      return CloseKind.ABORTIVE;
    }
    if ((after & TAKEN) != 0 && state != TcpStates.UNKNOWN) {
      if (TcpStates.open(state) || state == TcpStates.CLOSE_WAIT) {
        return CloseKind.ABORTIVE; // the close skipped its shutdown: linger is 0
      }
      return atHalfClose(before, after);
    }
    if ((before & LINGER_ZERO) != 0) {
      return CloseKind.ABORTIVE;
    }
    return (before & PEER_CLOSED) != 0 ? CloseKind.PASSIVE : CloseKind.ACTIVE;
  }
}
