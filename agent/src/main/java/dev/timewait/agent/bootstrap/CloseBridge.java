package dev.timewait.agent.bootstrap;

/**
 * The only agent class the instrumented code calls, from {@code java.base} and from libraries in
 * any class loader. It sits in the boot class loader, holds the current sink, and makes sure that
 * nothing thrown by the agent reaches the application. Advice passes only JDK types and primitives,
 * so that one bridge serves every relocated copy of a library.
 */
public final class CloseBridge {
  /** A TCP connection is established. */
  public static final int OPENED = 1;

  /** A non-blocking or asynchronous connect has started; it completes with {@link #OPENED}. */
  public static final int CONNECTING = 2;

  /** {@code shutdownOutput} starts: our FIN is about to leave while the socket stays open. */
  public static final int SHUTDOWN_OUTPUT = 3;

  /** A close starts: our FIN (or RST) leaves during it unless it left already. */
  public static final int CLOSING = 4;

  /** A JDK {@code HttpClient} request starts, on the application's thread. */
  public static final int REQUEST_STARTED = 5;

  /** A JDK {@code HttpClient} connection for a request is being opened. */
  public static final int REQUEST_CONNECT_BEGIN = 6;

  /** The JDK {@code HttpClient} connection attempt returned. */
  public static final int REQUEST_CONNECT_END = 7;

  /** {@code shutdownOutput} returned: the FIN has left and the descriptor is still open. */
  public static final int SHUTDOWN_OUTPUT_DONE = 8;

  /** The close is about to close the descriptor (and so to send our FIN). */
  public static final int FIN_LEAVING = 9;

  /** The close sent our FIN with a {@code shutdown} of its own; the descriptor is still open. */
  public static final int FIN_SENT = 10;

  /** The close closed the descriptor. */
  public static final int DESCRIPTOR_CLOSED = 11;

  /** The close returned. */
  public static final int CLOSED = 12;

  /** A native descriptor's close starts (Netty's {@code FileDescriptor.close}). */
  public static final int NATIVE_CLOSE_BEGIN = 13;

  /** A native descriptor is marked closed: its close follows immediately or is queued. */
  public static final int NATIVE_CLOSING = 14;

  /** A native descriptor's output is about to be shut down (our FIN). */
  public static final int NATIVE_SHUTDOWN = 15;

  /** A library channel became active: a connection it connected or accepted is established. */
  public static final int CHANNEL_ACTIVE = 16;

  /** The application asked a library to close a channel (the close may run on another thread). */
  public static final int CLOSE_REQUESTED = 17;

  /** A library object was made on the application's thread for work done later elsewhere. */
  public static final int HAND_OFF = 18;

  /** A library thread starts working for a handed-off object. */
  public static final int CONTEXT_BEGIN = 19;

  /** That work ended. */
  public static final int CONTEXT_END = 20;

  /** A listening socket was bound, or began to listen. */
  public static final int LISTENING = 21;

  /**
   * A task is handed to a library's executor: it carries the site the submitting thread works for.
   */
  public static final int TASK_SUBMITTED = 22;

  /** A library's executor starts a task. */
  public static final int TASK_BEGIN = 23;

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
    dispatch(OPENED, socket, -1, role);
  }

  public static void connecting(Object socket) {
    dispatch(CONNECTING, socket, -1, 0);
  }

  /** Returns the token for {@link #shutdownOutputDone}. */
  public static Object shutdownOutput(Object socket) {
    return dispatch(SHUTDOWN_OUTPUT, socket, -1, 0);
  }

  public static void shutdownOutputDone(Object token) {
    if (token != null) {
      dispatch(SHUTDOWN_OUTPUT_DONE, token, -1, 0);
    }
  }

  /** Returns the token for {@link #closed}. */
  public static Object closing(Object socket) {
    return dispatch(CLOSING, socket, -1, 0);
  }

  public static void finLeaving(Object socket) {
    dispatch(FIN_LEAVING, socket, -1, 0);
  }

  public static void finSent(Object socket) {
    dispatch(FIN_SENT, socket, -1, 0);
  }

  public static void descriptorClosed(Object socket) {
    dispatch(DESCRIPTOR_CLOSED, socket, -1, 0);
  }

  public static void closed(Object token) {
    if (token != null) {
      dispatch(CLOSED, token, -1, 0);
    }
  }

  /** Returns the token for {@link #closed}. */
  public static Object nativeCloseBegin(int fd) {
    return dispatch(NATIVE_CLOSE_BEGIN, null, fd, 0);
  }

  /** {@code state}: the descriptor's state bits before it was marked closed. */
  public static void nativeClosing(int fd, int state) {
    dispatch(NATIVE_CLOSING, null, fd, state);
  }

  /** Returns the token for {@link #shutdownOutputDone}. */
  public static Object nativeShutdown(int fd) {
    return dispatch(NATIVE_SHUTDOWN, null, fd, 0);
  }

  public static void channelActive(Object channel) {
    dispatch(CHANNEL_ACTIVE, channel, -1, 0);
  }

  public static void closeRequested(Object channel) {
    dispatch(CLOSE_REQUESTED, channel, -1, 0);
  }

  /** {@code listener} (a {@code ServerSocketChannel} or {@code ServerSocket}'s impl) listens. */
  public static void listening(Object listener) {
    dispatch(LISTENING, listener, -1, 0);
  }

  public static void handOff(Object carrier) {
    dispatch(HAND_OFF, carrier, -1, 0);
  }

  /** Returns the token for {@link #contextEnd}. */
  public static Object contextBegin(Object carrier) {
    return dispatch(CONTEXT_BEGIN, carrier, -1, 0);
  }

  /** {@code task} was queued on a library's executor (Netty's event loops). */
  public static void taskSubmitted(Object task) {
    dispatch(TASK_SUBMITTED, task, -1, 0);
  }

  /** Returns the token for {@link #contextEnd}: null unless the task carries a site. */
  public static Object taskBegin(Object task) {
    return dispatch(TASK_BEGIN, task, -1, 0);
  }

  public static void contextEnd(Object token) {
    if (token != null) {
      dispatch(CONTEXT_END, token, -1, 0);
    }
  }

  /** {@code request} is the HttpClient's per-request object, created on the caller's thread. */
  public static void requestStarted(Object request) {
    dispatch(REQUEST_STARTED, request, -1, 0);
  }

  /** {@code exchange} is the HttpClient's exchange whose connection is being opened. */
  public static void requestConnectBegin(Object exchange) {
    dispatch(REQUEST_CONNECT_BEGIN, exchange, -1, 0);
  }

  public static void requestConnectEnd(Object exchange) {
    dispatch(REQUEST_CONNECT_END, exchange, -1, 0);
  }

  private static Object dispatch(int event, Object subject, int fd, int arg) {
    CloseSink s = sink;
    if (s == null || (subject == null && fd < 0)) {
      return null;
    }
    boolean[] guard = IN_SINK.get();
    if (guard[0]) {
      return null;
    }
    guard[0] = true;
    try {
      return s.onEvent(event, subject, fd, arg);
    } catch (Throwable t) {
      suppressedErrors++;
      return null;
    } finally {
      guard[0] = false;
    }
  }
}
