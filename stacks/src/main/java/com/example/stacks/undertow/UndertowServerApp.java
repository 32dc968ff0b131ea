package com.example.stacks.undertow;

import com.example.stacks.CaseArgs;
import com.example.stacks.http.ConnectionCloseGet;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;

/**
 * Undertow (XNIO) serving requests that ask for {@code Connection: close}: Undertow closes each
 * connection after the response, on its I/O threads.
 */
public final class UndertowServerApp {
  private UndertowServerApp() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    Undertow server = start(options.port());
    try {
      System.exit(
          CaseArgs.runCalls(
              "undertow", options.calls(), i -> ConnectionCloseGet.get(options.port())));
    } finally {
      server.stop();
    }
  }

  static Undertow start(int port) {
    Undertow server =
        Undertow.builder()
            .addHttpListener(port, "127.0.0.1")
            .setHandler(UndertowServerApp::handle)
            .build();
    server.start();
    return server;
  }

  static void handle(HttpServerExchange exchange) {
    exchange.getResponseSender().send("ok");
  }
}
