package com.example.stacks.jdk;

import com.example.stacks.CaseArgs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code java.net.Socket} from virtual threads (JDK 21 and newer): every call and every accepted
 * connection runs on a virtual thread of its own. The client closes first, as in {@link
 * SocketClient}.
 */
public final class VirtualThreadClient {
  private static final Semaphore SERVER_CLOSED = new Semaphore(0);

  private VirtualThreadClient() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    ExecutorService virtual = virtualThreads();
    try (ServerSocket server = SocketClient.listen(options.port())) {
      Thread acceptor = new Thread(() -> acceptLoop(server, virtual), "stacks-virtual-acceptor");
      acceptor.setDaemon(true);
      acceptor.start();
      int status =
          CaseArgs.runCalls(
              "jdk-virtual-threads",
              options.calls(),
              i -> {
                Future<?> call =
                    virtual.submit(
                        () -> {
                          call(options.port());
                          return null;
                        });
                call.get();
              });
      if (!SERVER_CLOSED.tryAcquire(options.calls(), 5, TimeUnit.SECONDS)) {
        System.err.println("the server did not close every connection");
        status = 1;
      }
      System.exit(status);
    }
  }

  /** {@code Executors.newVirtualThreadPerTaskExecutor()}, looked up so the class builds for 17. */
  private static ExecutorService virtualThreads() throws ReflectiveOperationException {
    return (ExecutorService)
        Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }

  private static void acceptLoop(ServerSocket server, ExecutorService virtual) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        virtual.submit(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  /** Answers one line, then waits for the client to close and closes after it. */
  static void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      socket.getOutputStream().write(("pong " + line + "\n").getBytes(StandardCharsets.UTF_8));
      while (in.read() >= 0) {
        // until the client's FIN
      }
    } catch (IOException e) {
      System.err.println("server: " + e);
    } finally {
      SERVER_CLOSED.release();
    }
  }

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
