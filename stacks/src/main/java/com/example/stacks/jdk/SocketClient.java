package com.example.stacks.jdk;

import com.example.stacks.CaseArgs;
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
 * The control case: {@code java.net.Socket} on both sides. The client sends a line, reads the
 * answer and closes first; the server reads until the client's FIN and closes after it.
 */
public final class SocketClient {
  /** One permit per connection the server side has closed. */
  static final Semaphore SERVER_CLOSED = new Semaphore(0);

  private SocketClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    try (ServerSocket server = listen(options.port())) {
      Thread acceptor = new Thread(() -> acceptLoop(server), "stacks-socket-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      int status = CaseArgs.runCalls("jdk-socket", options.calls(), i -> call(options.port()));
      System.exit(awaitServerClosed(options.calls()) ? status : 1);
    }
  }

  static ServerSocket listen(int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return server;
  }

  static void acceptLoop(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread handler = new Thread(() -> serve(socket), "stacks-socket-handler");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Waits up to 5 s for the server side to have closed {@code connections} connections. */
  static boolean awaitServerClosed(int connections) throws InterruptedException {
    if (SERVER_CLOSED.tryAcquire(connections, 5, TimeUnit.SECONDS)) {
      return true;
    }
    System.err.println("the server did not close every connection");
    return false;
  }

  /** Answers one line, then waits for the client to close and closes after it. */
  static void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      OutputStream out = socket.getOutputStream();
      out.write(("pong " + line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (in.read() >= 0) {
        // until the client's FIN
      }
    } catch (IOException e) {
      System.err.println("server: " + e);
    } finally {
      SERVER_CLOSED.release();
    }
  }

  /** One request on a connection of its own, closed by this side first. */
  static void call(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      if (!in.readLine().startsWith("pong")) {
        throw new IOException("unexpected answer");
      }
    }
  }
}
