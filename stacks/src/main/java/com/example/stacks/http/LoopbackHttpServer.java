package com.example.stacks.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A keep-alive HTTP/1.1 server on {@code java.net.ServerSocket} for the HTTP client cases: it
 * answers every GET with {@code ok} and keeps the connection until the client closes it, so the
 * client's close is the active one.
 */
public final class LoopbackHttpServer implements AutoCloseable {
  private final ServerSocket server;
  private final Semaphore closed = new Semaphore(0);

  private LoopbackHttpServer(ServerSocket server) {
    this.server = server;
  }

  /** Listens on 127.0.0.1:{@code port} and accepts on a daemon thread. */
  public static LoopbackHttpServer start(int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    LoopbackHttpServer http = new LoopbackHttpServer(server);
    Thread acceptor = new Thread(http::acceptLoop, "stacks-http-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    return http;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread handler = new Thread(() -> serve(socket), "stacks-http-handler");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Waits up to 5 s for the server to have closed {@code connections} connections. */
  public boolean awaitClosed(int connections) throws InterruptedException {
    if (closed.tryAcquire(connections, 5, TimeUnit.SECONDS)) {
      return true;
    }
    System.err.println("the HTTP server did not close every connection");
    return false;
  }

  /** Answers requests until the client closes, then closes after it. */
  void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isEmpty()) {
          continue; // request line and headers; GETs carry no body
        }
        out.write(
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      System.err.println("http server: " + e);
    } finally {
      closed.release();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
