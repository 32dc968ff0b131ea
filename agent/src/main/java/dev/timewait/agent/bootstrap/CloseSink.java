package dev.timewait.agent.bootstrap;

/**
 * What the instrumented JDK methods report to. Implemented inside the agent's isolated class
 * loader; this interface lives on the boot class path so that code in {@code java.base} can call
 * it. Implementations must never throw.
 */
public interface CloseSink {
  /**
   * One socket event.
   *
   * @param event one of {@link CloseBridge#OPENED}, {@link CloseBridge#CONNECTING}, {@link
   *     CloseBridge#SHUTDOWN_OUTPUT}, {@link CloseBridge#CLOSING}, or a {@code REQUEST_*} event of
   *     the JDK HttpClient
   * @param socket a {@code java.net.SocketImpl} or a socket channel; for {@code REQUEST_*} events
   *     the HttpClient's request or exchange object
   * @param role {@link CloseBridge#CLIENT} or {@link CloseBridge#SERVER} for {@code OPENED}, else 0
   */
  void onSocketEvent(int event, Object socket, int role);
}
