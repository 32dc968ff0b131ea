package dev.timewait.agent.internal.hook;

import java.io.FileDescriptor;

/**
 * What the kernel says about a socket at the moment our FIN leaves, asked without consuming
 * anything. {@link JdkSockets} answers through {@code sun.nio.ch.Net}; each call is one system
 * call.
 */
public interface KernelAnswers {
  /** The peer's FIN has arrived (read or not). */
  int PEER_CLOSED = 1;

  /** Received data is waiting unread: closing now sends RST. */
  int DATA_PENDING = 2;

  /** {@link #PEER_CLOSED} and {@link #DATA_PENDING} bits. */
  int peerState(FileDescriptor fd) throws Throwable;

  /** {@code SO_LINGER} is on with 0 s: closing sends RST. */
  boolean lingerZero(FileDescriptor fd) throws Throwable;
}
