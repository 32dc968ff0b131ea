package dev.timewait.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes real TIME_WAIT sockets on loopback: a server that waits for the client's FIN before closing
 * (so the client enters TIME_WAIT), or one that closes first (so the server does). Everything
 * listens on loopback addresses only.
 */
public final class LoopbackTimeWaitMaker implements AutoCloseable {

  private final ServerSocket server;
  private final boolean serverClosesFirst;
  private final AtomicLong handled = new AtomicLong();

  private LoopbackTimeWaitMaker(InetAddress address, boolean serverClosesFirst) throws IOException {
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(address, 0), 4096);
    this.serverClosesFirst = serverClosesFirst;
    Thread acceptor =
        new Thread(this::acceptLoop, "timewait-test-acceptor-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A server on {@code address} whose clients close first: TIME_WAIT lands on the client side. */
  public static LoopbackTimeWaitMaker clientClosesFirst(InetAddress address) throws IOException {
    return onFreshPort(address, false);
  }

  /** A server on {@code address} that closes first: TIME_WAIT lands on its listening port. */
  public static LoopbackTimeWaitMaker serverClosesFirst(InetAddress address) throws IOException {
    return onFreshPort(address, true);
  }

  /**
   * Binds until the port is in no TIME_WAIT socket: a port used by an earlier run within the last
   * 60 s would mix that run's sockets into this one's counts.
   */
  private static LoopbackTimeWaitMaker onFreshPort(InetAddress address, boolean serverClosesFirst)
      throws IOException {
    for (int attempt = 0; ; attempt++) {
      LoopbackTimeWaitMaker maker = new LoopbackTimeWaitMaker(address, serverClosesFirst);
      if (attempt == 20
          || !KernelTcpTable.available()
          || KernelTcpTable.read().timeWait(Set.of(maker.port())).isEmpty()) {
        return maker;
      }
      maker.close();
    }
  }

  /** The listening port. */
  public int port() {
    return server.getLocalPort();
  }

  /** The listening address and port. */
  public InetSocketAddress endpoint() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  /**
   * Opens and closes {@code count} connections from {@code threads} threads, each from source
   * address {@code source} (null: chosen by the kernel), and returns their 4-tuples as seen from
   * the client.
   */
  public List<Tuple> connect(int count, int threads, InetAddress source) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Tuple>>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int share = count / threads + (t < count % threads ? 1 : 0);
        parts.add(pool.submit(() -> connectSerially(share, source)));
      }
      List<Tuple> tuples = new ArrayList<>(count);
      for (Future<List<Tuple>> part : parts) {
        tuples.addAll(part.get());
      }
      return tuples;
    } catch (Exception e) {
      throw new IllegalStateException("making TIME_WAIT sockets failed", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private List<Tuple> connectSerially(int count, InetAddress source) throws IOException {
    List<Tuple> tuples = new ArrayList<>(count);
    byte[] one = new byte[1];
    for (int i = 0; i < count; i++) {
      try (Socket socket = new Socket()) {
        if (source != null) {
          socket.bind(new InetSocketAddress(source, 0));
        }
        socket.connect(endpoint());
        tuples.add(Tuple.of(socket));
        if (serverClosesFirst && socket.getInputStream().read(one) >= 0) {
          throw new IOException("server sent data instead of closing");
        }
      }
    }
    return tuples;
  }

  private void acceptLoop() {
    byte[] buffer = new byte[64];
    while (!server.isClosed()) {
      Socket accepted;
      try {
        accepted = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      try (accepted) {
        if (!serverClosesFirst) {
          InputStream in = accepted.getInputStream();
          while (in.read(buffer) >= 0) {
            // wait for the client's FIN, so the client closes first
          }
        }
      } catch (IOException e) {
        // a client that resets is fine: it leaves no TIME_WAIT, which is what it is for
      }
      handled.incrementAndGet();
    }
  }

  /**
   * Waits until the server has closed {@code count} accepted connections in all, so every client
   * that closed first has left FIN_WAIT2 for TIME_WAIT. A busy machine can lag behind the clients.
   */
  public void awaitClosed(long count) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (handled.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    if (handled.get() < count) {
      throw new IllegalStateException("server closed " + handled.get() + " of " + count);
    }
    Thread.sleep(50); // the last ACK
  }

  /**
   * Waits up to 5 s until the kernel holds every one of {@code tuples} (each from its own side) in
   * TIME_WAIT, and returns those it holds. The peer's last FIN reaches a socket asynchronously: on
   * a loaded machine a closed-first socket can sit in FIN_WAIT2 well after its peer closed. A tuple
   * still missing at the end was not kept (or was taken over) by the kernel.
   */
  public static Set<Tuple> awaitTimeWait(Collection<Tuple> tuples)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    Set<Tuple> held = new HashSet<>();
    while (true) {
      // a dump of the socket table can skip a row while others come and go: keep every row seen
      KernelTcpTable table = KernelTcpTable.read();
      for (Tuple tuple : tuples) {
        if (table.inTimeWait(tuple)) {
          held.add(tuple);
        }
      }
      if (held.size() == tuples.size() || System.nanoTime() > deadline) {
        return held;
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
