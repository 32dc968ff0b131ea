package com.example.stacks.jdk;

import com.example.stacks.CaseArgs;
import com.example.stacks.http.ConnectionCloseGet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's {@code com.sun.net.httpserver} serving requests that ask for {@code Connection: close}:
 * the server closes each connection after its response.
 */
public final class HttpServerApp {
  private HttpServerApp() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    HttpServer server = start(options.port());
    try {
      System.exit(
          CaseArgs.runCalls(
              "jdk-httpserver", options.calls(), i -> ConnectionCloseGet.get(options.port())));
    } finally {
      server.stop(0);
    }
  }

  static HttpServer start(int port) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.createContext("/", HttpServerApp::handle);
    server.start();
    return server;
  }

  static void handle(HttpExchange exchange) throws IOException {
    byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
