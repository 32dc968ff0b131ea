package dev.timewait.agent.bootstrap;

/**
 * The only agent class the instrumented JDK code calls. It sits on the boot class path, holds the
 * current sink, and makes sure that nothing thrown by the agent reaches the application.
 */
public final class CloseBridge {
  /** A TCP connection is established. */
  public static final int OPENED = 1;

  /** A non-blocking or asynchronous connect has started; it completes with {@link #OPENED}. */
  public static final int CONNECTING = 2;

  /** {@code shutdownOutput}: our FIN leaves while the socket stays open. */
  public static final int SHUTDOWN_OUTPUT = 3;

  /** A close of the socket: our FIN (or RST) leaves unless it left already. */
  public static final int CLOSING = 4;

  /** A JDK {@code HttpClient} request starts, on the application's thread. */
  public static final int REQUEST_STARTED = 5;

  /** A JDK {@code HttpClient} connection for a request is being opened. */
  public static final int REQUEST_CONNECT_BEGIN = 6;

  /** The JDK {@code HttpClient} connection attempt returned. */
  public static final int REQUEST_CONNECT_END = 7;

  /** This JVM connected. */
  public static final int CLIENT = 1;

  /** This JVM accepted. */
  public static final int SERVER = 2;

  private static volatile CloseSink sink;
  private static volatile long suppressedErrors;

  /** Re-entry guard: work done by the sink must never be reported to the sink again. */
  private static final ThreadLocal<boolean[]> IN_SINK =
      ThreadLocal.withInitial(() -> new boolean[1]);

  private CloseBridge() {}

  /** Installs the sink; returns false when one is installed already (a second attach). */
  public static synchronized boolean install(CloseSink newSink) {
    if (sink != null) {
      return false;
    }
    sink = newSink;
    return true;
  }

  /** Removes the sink: hooks that are still in place do nothing from then on. */
  public static synchronized void uninstall() {
    sink = null;
  }

  public static boolean installed() {
    return sink != null;
  }

  /** Errors that escaped the sink and were swallowed here. */
  public static long suppressedErrors() {
    return suppressedErrors;
  }

  public static void opened(Object socket, int role) {
    dispatch(OPENED, socket, role);
  }

  public static void connecting(Object socket) {
    dispatch(CONNECTING, socket, 0);
  }

  public static void shutdownOutput(Object socket) {
    dispatch(SHUTDOWN_OUTPUT, socket, 0);
  }

  public static void closing(Object socket) {
    dispatch(CLOSING, socket, 0);
  }

  /** {@code request} is the HttpClient's per-request object, created on the caller's thread. */
  public static void requestStarted(Object request) {
    dispatch(REQUEST_STARTED, request, 0);
  }

  /** {@code exchange} is the HttpClient's exchange whose connection is being opened. */
  public static void requestConnectBegin(Object exchange) {
    dispatch(REQUEST_CONNECT_BEGIN, exchange, 0);
  }

  public static void requestConnectEnd(Object exchange) {
    dispatch(REQUEST_CONNECT_END, exchange, 0);
  }

  private static void dispatch(int event, Object socket, int role) {
    CloseSink s = sink;
    if (s == null || socket == null) {
      return;
    }
    boolean[] guard = IN_SINK.get();
    if (guard[0]) {
      return;
    }
    guard[0] = true;
    try {
      s.onSocketEvent(event, socket, role);
    } catch (Throwable t) {
      suppressedErrors++;
    } finally {
      guard[0] = false;
    }
  }
}
