package com.example.stacks.jetty;

import com.example.stacks.CaseArgs;
import com.example.stacks.http.ConnectionCloseGet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty 12 serving requests that ask for {@code Connection: close}: Jetty closes each connection
 * after the response, on its own threads.
 */
public final class JettyServerApp {
  private JettyServerApp() {}

  public static void main(String[] args) throws Exception {
    CaseArgs options = CaseArgs.parse(args);
    Server server = start(options.port());
    try {
      System.exit(
          CaseArgs.runCalls("jetty", options.calls(), i -> ConnectionCloseGet.get(options.port())));
    } finally {
      server.stop();
    }
  }

  static Server start(int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new Hello());
    server.start();
    return server;
  }

  /** Answers {@code ok}. */
  static final class Hello extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
      response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }
}
