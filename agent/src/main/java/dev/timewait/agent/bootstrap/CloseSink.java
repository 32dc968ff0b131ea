package dev.timewait.agent.bootstrap;

/**
 * What the instrumented methods report to. Implemented inside the agent's isolated class loader;
 * this interface lives on the boot class path so that code in {@code java.base}, and library code
 * in any class loader, can call it. Implementations must never throw.
 */
public interface CloseSink {
  /**
   * One event.
   *
   * @param event one of the event constants of {@link CloseBridge}
   * @param subject a {@code java.net.SocketImpl} or a socket channel; a library's channel or
   *     request object for hand-offs; the token an earlier event returned for the {@code *_DONE}
   *     events; null for events about a native descriptor
   * @param fd a native descriptor number, or -1
   * @param arg {@link CloseBridge#CLIENT} or {@link CloseBridge#SERVER} for {@code OPENED}; the
   *     native descriptor's state bits for native events; else 0
   * @return a token for the matching {@code *_DONE} event, or null
   */
  Object onEvent(int event, Object subject, int fd, int arg);
}
