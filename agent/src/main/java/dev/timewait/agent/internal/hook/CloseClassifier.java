package dev.timewait.agent.internal.hook;

import dev.timewait.core.snapshot.CloseKind;
import java.io.FileDescriptor;

/**
 * Judges a connection's end when our first FIN leaves: at a half-close ({@code shutdownOutput}) or
 * at close, whichever comes first. Asks the kernel as little as it can: {@code SO_LINGER} only when
 * the peer state does not decide already.
 */
public final class CloseClassifier {
  private CloseClassifier() {}

  /** The verdict when our FIN leaves through {@code shutdownOutput}. */
  public static CloseKind atHalfClose(KernelAnswers kernel, FileDescriptor fd) throws Throwable {
    return (kernel.peerState(fd) & KernelAnswers.PEER_CLOSED) != 0
        ? CloseKind.PASSIVE
        : CloseKind.ACTIVE;
  }

  /**
   * The verdict at close: RST when linger is zero or received data is unread (unless an earlier
   * half-close already put the connection on its way to TIME_WAIT and the peer answered); otherwise
   * whoever's FIN came first.
   *
   * @param halfCloseVerdict the verdict taken at an earlier {@code shutdownOutput}, or null
   */
  public static CloseKind atClose(
      KernelAnswers kernel, FileDescriptor fd, CloseKind halfCloseVerdict) throws Throwable {
    int peer = kernel.peerState(fd);
    boolean peerFin = (peer & KernelAnswers.PEER_CLOSED) != 0;
    if (halfCloseVerdict != null && peerFin) {
      return halfCloseVerdict;
    }
    if ((peer & KernelAnswers.DATA_PENDING) != 0 || kernel.lingerZero(fd)) {
      return CloseKind.ABORTIVE;
    }
    if (halfCloseVerdict != null) {
      return halfCloseVerdict;
    }
    return peerFin ? CloseKind.PASSIVE : CloseKind.ACTIVE;
  }
}
