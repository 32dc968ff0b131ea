package dev.timewait.agent.e2e;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The first connections of a fresh JVM: the JDK's HTTP server accepts on its dispatcher thread
 * while {@code main} connects, so the first {@code accept} and the first {@code connect} load the
 * JDK's socket classes on two threads at once. Prints {@code done N} after N requests, each on a
 * connection of its own that the server closes first.
 */
public final class FirstConnectionsApp {
  private FirstConnectionsApp() {}

  public static void main(String[] args) throws Exception {
    int requests = Integer.parseInt(args[0]);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
    server.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    byte[] request =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < requests; i++) {
      try (Socket s = new Socket("127.0.0.1", server.getAddress().getPort())) {
        s.getOutputStream().write(request);
        s.getInputStream().readAllBytes(); // to the server's FIN
      }
    }
    server.stop(0);
    System.out.println("done " + requests);
  }
}
