package dev.timewait.agent.internal.hook;

/**
 * {@link JdkSockets} made on first use. Resolving the JDK's socket internals loads the socket
 * classes, and a class the agent instruments that is loaded at start-up must be woven at start-up:
 * an application that opens no socket should not pay for that.
 */
public final class LazyJdkSockets {
  private volatile JdkSockets sockets;
  private volatile RuntimeException failure;

  /** The internals; throws (counted by the caller) when this JDK does not have them. */
  public JdkSockets get() {
    JdkSockets s = sockets;
    if (s != null) {
      return s;
    }
    return resolve();
  }

  private synchronized JdkSockets resolve() {
    if (sockets == null && failure == null) {
      try {
        sockets = new JdkSockets();
      } catch (ReflectiveOperationException | RuntimeException e) {
        failure = new IllegalStateException("JDK socket internals not as expected: " + e, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return sockets;
  }
}
