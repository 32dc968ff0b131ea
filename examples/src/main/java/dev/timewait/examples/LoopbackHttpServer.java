package dev.timewait.examples;

import dev.timewait.core.host.IpAddresses;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny HTTP/1.1 server on a loopback {@link ServerSocket}, one thread per connection, whose
 * {@link ClosePolicy} fixes which side sends the first FIN.
 */
public final class LoopbackHttpServer implements Closeable {

  /** Who closes a connection first. */
  public enum ClosePolicy {
    /** Answers {@code Connection: keep-alive} and serves requests until the client closes. */
    KEEP_ALIVE,
    /**
     * Answers {@code Connection: close}, so that HTTP clients drop the connection, but still waits
     * for the client's EOF before closing: the client's close is the active one.
     */
    CLIENT_CLOSES_FIRST,
    /**
     * Answers {@code Connection: close} and closes right after the response: server active close.
     */
    CLOSE_AFTER_RESPONSE
  }

  /** A server that waits this long for a client that neither sends nor closes gives up on it. */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  private static final byte[] BODY = "ok\n".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocket serverSocket;
  private final ClosePolicy policy;
  private final Duration idleTimeout;
  private final ExecutorService connections;
  private final Thread acceptor;
  private final List<AcceptedConnection> accepted = new ArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger idleTimeouts = new AtomicInteger();
  private final AtomicInteger resets = new AtomicInteger();
  private final Object closedSignal = new Object();

  private LoopbackHttpServer(ServerSocket serverSocket, ClosePolicy policy, Duration idleTimeout) {
    this.serverSocket = serverSocket;
    this.policy = policy;
    this.idleTimeout = idleTimeout;
    AtomicInteger threadNumber = new AtomicInteger();
    this.connections =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "loopback-http-" + threadNumber.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.acceptor = new Thread(this::acceptLoop, "loopback-http-accept");
    this.acceptor.setDaemon(true);
  }

  /** Binds {@code host:port} (port 0: any free port) and starts accepting. */
  public static LoopbackHttpServer start(InetAddress host, int port, ClosePolicy policy)
      throws IOException {
    return start(host, port, policy, IDLE_TIMEOUT);
  }

  /**
   * As {@link #start(InetAddress, int, ClosePolicy)}, closing connections that stay silent for
   * {@code idleTimeout} (a keep-alive server's idle cut-off).
   */
  public static LoopbackHttpServer start(
      InetAddress host, int port, ClosePolicy policy, Duration idleTimeout) throws IOException {
    ServerSocket serverSocket = new ServerSocket();
    try {
      serverSocket.setReuseAddress(true);
      serverSocket.bind(new InetSocketAddress(host, port), 1024);
    } catch (IOException e) {
      serverSocket.close();
      throw e;
    }
    LoopbackHttpServer server = new LoopbackHttpServer(serverSocket, policy, idleTimeout);
    server.acceptor.start();
    return server;
  }

  /** The address clients connect to. */
  public InetSocketAddress address() {
    return (InetSocketAddress) serverSocket.getLocalSocketAddress();
  }

  /** {@code http://host:port/}. */
  public String baseUri() {
    return "http://" + IpAddresses.withPort(address().getAddress(), address().getPort()) + "/";
  }

  /** Every connection accepted so far, in order. */
  public List<AcceptedConnection> accepted() {
    synchronized (accepted) {
      return List.copyOf(accepted);
    }
  }

  /** Connections the server gave up on because the client stayed silent past the idle timeout. */
  public int idleTimeouts() {
    return idleTimeouts.get();
  }

  /** Connections that ended with an error, e.g. a reset from a client's abortive close. */
  public int resets() {
    return resets.get();
  }

  /** Waits until the server has closed every connection it accepted; false on time-out. */
  public boolean awaitConnectionsClosed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (closedSignal) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(closedSignal, left);
      }
    }
    return true;
  }

  /** Stops accepting and closes any connection still open (normally there is none). */
  @Override
  public void close() throws IOException {
    serverSocket.close();
    for (Socket socket : open) {
      socket.close();
    }
    connections.shutdown();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!serverSocket.isClosed()) {
      Socket socket;
      try {
        socket = serverSocket.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(socket);
      synchronized (accepted) {
        accepted.add(
            new AcceptedConnection(
                (InetSocketAddress) socket.getLocalSocketAddress(),
                (InetSocketAddress) socket.getRemoteSocketAddress()));
      }
      connections.execute(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout((int) idleTimeout.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      while (true) {
        String head = HttpWire.readHead(in);
        if (head == null) {
          return; // the client closed first; our close is the passive one
        }
        HttpWire.skipBody(in, head);
        HttpWire.writeResponse(out, BODY, policy != ClosePolicy.KEEP_ALIVE);
        if (policy == ClosePolicy.CLOSE_AFTER_RESPONSE) {
          return; // the server closes first
        }
      }
    } catch (SocketTimeoutException e) {
      idleTimeouts.incrementAndGet();
    } catch (IOException e) {
      resets.incrementAndGet();
    } finally {
      open.remove(socket);
      synchronized (closedSignal) {
        closedSignal.notifyAll();
      }
    }
  }
}
