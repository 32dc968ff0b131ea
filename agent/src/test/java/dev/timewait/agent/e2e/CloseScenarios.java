package dev.timewait.agent.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;

/**
 * Runs in a child JVM with the agent: one method per way a Java program ends a TCP connection. Each
 * prints {@code case=NAME client=IP:PORT server=IP:PORT} so that the test can look the 4-tuple up
 * in the kernel's table; the agent's snapshot names the same methods as close and open sites.
 *
 * <p>Arguments: the loopback address to use, and {@code --wait-for-agent} to wait for a dynamic
 * attach before running.
 */
public final class CloseScenarios {
  private final InetAddress host;

  private CloseScenarios(InetAddress host) {
    this.host = host;
  }

  public static void main(String[] args) throws Exception {
    CloseScenarios scenarios = new CloseScenarios(InetAddress.getByName(args[0]));
    if (args.length > 1 && args[1].equals("--wait-for-agent")) {
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      waitForAgent();
    }
    scenarios.socketClientActive();
    scenarios.channelClientActive();
    scenarios.selectorClientActive();
    scenarios.asyncClientActive();
    scenarios.httpClientConnectionClose();
    scenarios.httpClientSendAsync();
    scenarios.serverActive();
    scenarios.passiveAfterEof();
    scenarios.passiveWithFinUnread();
    scenarios.passiveAfterIdle();
    scenarios.shutdownOutputThenEof();
    scenarios.lingerZero();
    scenarios.interruptClose();
    scenarios.selectorUnreadThenPeerFin();
    scenarios.selectorUnreadReset();
    awaitFirstTableSample();
    scenarios.lateDataAfterFin();
    System.out.println("done");
  }

  private static void waitForAgent() throws Exception {
    ObjectName agent = new ObjectName("dev.timewait:type=Agent");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!ManagementFactory.getPlatformMBeanServer().isRegistered(agent)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("agent did not attach within 30 s");
      }
      Thread.sleep(20);
    }
  }

  // ---- client closes first ----

  void socketClientActive() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      Socket client = new Socket(host, server.getLocalPort());
      client.getOutputStream().write(1);
      report("socketClientActive", client.getLocalSocketAddress(), server);
      client.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  void channelClientActive() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      SocketChannel client = SocketChannel.open(new InetSocketAddress(host, server.getLocalPort()));
      client.write(ByteBuffer.wrap(new byte[] {1}));
      report("channelClientActive", client.getLocalAddress(), server);
      client.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  void selectorClientActive() throws Exception {
    try (ServerSocket server = listen();
        Selector selector = Selector.open()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      SocketChannel client = SocketChannel.open();
      client.configureBlocking(false);
      client.connect(new InetSocketAddress(host, server.getLocalPort()));
      client.register(selector, SelectionKey.OP_CONNECT);
      while (!client.finishConnect()) {
        selector.select(100);
      }
      client.keyFor(selector).interestOps(SelectionKey.OP_READ);
      client.write(ByteBuffer.wrap(new byte[] {1}));
      report("selectorClientActive", client.getLocalAddress(), server);
      client.close(); // still registered: FIN leaves now, the fd is freed at the next select
      selector.selectNow();
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  void asyncClientActive() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      AsynchronousSocketChannel client = AsynchronousSocketChannel.open();
      client.connect(new InetSocketAddress(host, server.getLocalPort())).get(10, TimeUnit.SECONDS);
      client.write(ByteBuffer.wrap(new byte[] {1})).get(10, TimeUnit.SECONDS);
      report("asyncClientActive", client.getLocalAddress(), server);
      client.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  /** The server answers with {@code Connection: close} and waits: HttpClient closes first. */
  void httpClientConnectionClose() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::answerHttpThenWaitForEof);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI uri =
          URI.create(
              "http://"
                  + hostForUri()
                  + ":"
                  + server.getLocalPort()
                  + "/httpClientConnectionClose");
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("HTTP " + response.statusCode());
      }
      peer.get(10, TimeUnit.SECONDS);
      report("httpClientConnectionClose", lastHttpPeer, server);
    }
  }

  /** {@code sendAsync}: the client connects on its own executor thread, not the caller's. */
  void httpClientSendAsync() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::answerHttpThenWaitForEof);
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(2);
      try {
        HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
        URI uri =
            URI.create(
                "http://" + hostForUri() + ":" + server.getLocalPort() + "/httpClientSendAsync");
        HttpResponse<String> response =
            http.sendAsync(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString())
                .get(10, TimeUnit.SECONDS);
        if (response.statusCode() != 200) {
          throw new IllegalStateException("HTTP " + response.statusCode());
        }
        peer.get(10, TimeUnit.SECONDS);
        report("httpClientSendAsync", lastHttpPeer, server);
      } finally {
        pool.shutdown();
      }
    }
  }

  // ---- server closes first ----

  void serverActive() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::writeThenClose);
      Socket client = new Socket(host, server.getLocalPort());
      readToEof(client.getInputStream());
      peer.get(10, TimeUnit.SECONDS);
      report("serverActive", client.getLocalSocketAddress(), server);
      client.close();
    }
  }

  void passiveAfterEof() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::writeThenClose);
      Socket client = new Socket(host, server.getLocalPort());
      readToEof(client.getInputStream());
      peer.get(10, TimeUnit.SECONDS);
      report("passiveAfterEof", client.getLocalSocketAddress(), server);
      client.close();
    }
  }

  void passiveWithFinUnread() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, Socket::close);
      Socket client = new Socket(host, server.getLocalPort());
      peer.get(10, TimeUnit.SECONDS);
      Thread.sleep(100); // the peer's FIN has arrived; the application never reads it
      report("passiveWithFinUnread", client.getLocalSocketAddress(), server);
      client.close();
    }
  }

  /** A server that closes the connection once it has sat idle for {@link #IDLE_MILLIS}. */
  void passiveAfterIdle() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::answerThenCloseWhenIdle);
      Socket client = new Socket(host, server.getLocalPort());
      client.getOutputStream().write(1);
      InputStream in = client.getInputStream();
      if (in.read() != 2) {
        throw new IOException("no answer");
      }
      readToEof(in); // the server's FIN, after the idle time
      peer.get(10, TimeUnit.SECONDS);
      report("passiveAfterIdle", client.getLocalSocketAddress(), server);
      client.close();
    }
  }

  /** How long {@link #passiveAfterIdle} leaves its connection idle before the server closes it. */
  static final long IDLE_MILLIS = 1_200;

  private static void answerThenCloseWhenIdle(Socket accepted) throws IOException {
    try (accepted) {
      if (accepted.getInputStream().read() != 1) {
        throw new IOException("no request");
      }
      accepted.getOutputStream().write(2);
      Thread.sleep(IDLE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- half-close, abort, interrupt ----

  void shutdownOutputThenEof() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      Socket client = new Socket(host, server.getLocalPort());
      client.getOutputStream().write(1);
      client.shutdownOutput(); // our FIN leaves first: this side will hold TIME_WAIT
      readToEof(client.getInputStream());
      peer.get(10, TimeUnit.SECONDS);
      report("shutdownOutputThenEof", client.getLocalSocketAddress(), server);
      client.close();
    }
  }

  void lingerZero() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readUntilResetThenClose);
      Socket client = new Socket(host, server.getLocalPort());
      client.getOutputStream().write(1);
      client.setSoLinger(true, 0);
      report("lingerZero", client.getLocalSocketAddress(), server);
      client.close(); // RST
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  void interruptClose() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::readToEofThenClose);
      SocketChannel client = SocketChannel.open(new InetSocketAddress(host, server.getLocalPort()));
      report("interruptClose", client.getLocalAddress(), server);
      Thread reader =
          new Thread(
              () -> {
                try {
                  client.read(ByteBuffer.allocate(16)); // blocks until the interrupt closes it
                } catch (IOException expected) {
                  // ClosedByInterruptException
                }
              });
      reader.start();
      Thread.sleep(200);
      reader.interrupt();
      reader.join(10_000);
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  // ---- data left unread or arriving after our FIN ----

  /**
   * A registered channel closes with the server's bytes unread: its FIN leaves at once, its
   * descriptor closes at the selector's next turn. The server's FIN comes in between, so that close
   * sends nothing and the client keeps TIME_WAIT.
   */
  void selectorUnreadThenPeerFin() throws Exception {
    try (ServerSocket server = listen();
        Selector selector = Selector.open()) {
      CompletableFuture<Void> peer = serve(server, CloseScenarios::writeThenReadToEofThenClose);
      SocketChannel client = SocketChannel.open();
      client.configureBlocking(false);
      client.connect(new InetSocketAddress(host, server.getLocalPort()));
      awaitByte(client, selector);
      report("selectorUnreadThenPeerFin", client.getLocalAddress(), server);
      client.close();
      peer.get(10, TimeUnit.SECONDS);
      Thread.sleep(100); // the server's FIN has come in
      selector.selectNow();
    }
  }

  /** The same, but the descriptor closes before the server's FIN: the close resets. */
  void selectorUnreadReset() throws Exception {
    CompletableFuture<Void> descriptorClosed = new CompletableFuture<>();
    try (ServerSocket server = listen();
        Selector selector = Selector.open()) {
      CompletableFuture<Void> peer =
          serve(
              server,
              accepted -> {
                accepted.getOutputStream().write(1);
                try {
                  readToEof(accepted.getInputStream());
                  descriptorClosed.get(10, TimeUnit.SECONDS);
                  Thread.sleep(100); // the reset has come in
                } catch (IOException reset) {
                  // the client's reset
                } catch (Exception e) {
                  throw new IOException(e);
                }
                accepted.close();
              });
      SocketChannel client = SocketChannel.open();
      client.configureBlocking(false);
      client.connect(new InetSocketAddress(host, server.getLocalPort()));
      awaitByte(client, selector);
      report("selectorUnreadReset", client.getLocalAddress(), server);
      client.close();
      Thread.sleep(100); // our FIN is acknowledged: FIN_WAIT2 with the byte unread
      selector.selectNow();
      descriptorClosed.complete(null);
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * The client closes first with nothing unread, then the server still writes: the client's kernel
   * answers the data with a reset and drops the socket, with no TIME_WAIT.
   */
  void lateDataAfterFin() throws Exception {
    try (ServerSocket server = listen()) {
      CompletableFuture<Void> peer =
          serve(
              server,
              accepted -> {
                readToEof(accepted.getInputStream());
                accepted.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
                try {
                  Thread.sleep(100); // the reset has come in
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                accepted.close();
              });
      Socket client = new Socket(host, server.getLocalPort());
      report("lateDataAfterFin", client.getLocalSocketAddress(), server);
      client.close();
      peer.get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Registers a connecting non-blocking {@code client} with {@code selector} and waits until it is
   * connected and the server's byte has come in, unread.
   */
  private static void awaitByte(SocketChannel client, Selector selector) throws IOException {
    SelectionKey key = client.register(selector, SelectionKey.OP_CONNECT);
    while (!client.finishConnect()) {
      selector.select(100);
    }
    key.interestOps(SelectionKey.OP_READ);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(selector.select(100) > 0 && key.isReadable())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the server's byte never came");
      }
    }
    selector.selectedKeys().clear();
  }

  /**
   * Waits until the agent has read the host's table once: a reset after our FIN is judged against
   * the kernel's counters from then on.
   */
  private static void awaitFirstTableSample() throws Exception {
    ObjectName host = new ObjectName("dev.timewait:type=Host");
    javax.management.MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!beans.isRegistered(host) || beans.getAttribute(host, "LastTableSampleMillis") == null) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the agent read no host table within 30 s");
      }
      Thread.sleep(20);
    }
  }

  // ---- the peer's side ----

  private static void writeThenReadToEofThenClose(Socket accepted) throws IOException {
    accepted.getOutputStream().write(1);
    readToEof(accepted.getInputStream());
    accepted.close();
  }

  private static volatile java.net.SocketAddress lastHttpPeer;

  private static void readToEofThenClose(Socket accepted) throws IOException {
    readToEof(accepted.getInputStream());
    accepted.close();
  }

  private static void writeThenClose(Socket accepted) throws IOException {
    accepted.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
    accepted.close();
  }

  private static void readUntilResetThenClose(Socket accepted) throws IOException {
    try {
      readToEof(accepted.getInputStream());
    } catch (IOException reset) {
      // Connection reset: expected
    }
    accepted.close();
  }

  private static void answerHttpThenWaitForEof(Socket accepted) throws IOException {
    lastHttpPeer = accepted.getRemoteSocketAddress();
    InputStream in = accepted.getInputStream();
    int matched = 0;
    while (matched < 4) { // read the request head up to the blank line
      int b = in.read();
      if (b < 0) {
        break;
      }
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : 0;
    }
    accepted
        .getOutputStream()
        .write(
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                .getBytes(StandardCharsets.US_ASCII));
    readToEof(in);
    accepted.close();
  }

  private static void readToEof(InputStream in) throws IOException {
    byte[] buffer = new byte[256];
    while (in.read(buffer) >= 0) {
      // discard
    }
  }

  // ---- plumbing ----

  private interface Peer {
    void handle(Socket accepted) throws IOException;
  }

  private ServerSocket listen() throws IOException {
    return new ServerSocket(0, 50, host);
  }

  private static CompletableFuture<Void> serve(ServerSocket server, Peer peer) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                peer.handle(server.accept());
                done.complete(null);
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            },
            "peer");
    t.setDaemon(true);
    t.start();
    return done;
  }

  private String hostForUri() {
    String ip = host.getHostAddress();
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  private static void report(String name, java.net.SocketAddress client, ServerSocket server) {
    System.out.println(
        "case="
            + name
            + " client="
            + endpoint(client)
            + " server="
            + endpoint(server.getLocalSocketAddress()));
  }

  private static String endpoint(java.net.SocketAddress address) {
    InetSocketAddress a = (InetSocketAddress) address;
    String ip = a.getAddress().getHostAddress();
    int zone = ip.indexOf('%');
    if (zone >= 0) {
      ip = ip.substring(0, zone);
    }
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + a.getPort();
  }
}
