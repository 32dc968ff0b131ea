package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * An HTTP server that closes after every response while the client waits for its FIN: every
 * connection leaves a TIME_WAIT socket on the server side, on the server's port.
 */
public final class ServerSideCloseScenario implements Scenario {

  @Override
  public String name() {
    return "server-close";
  }

  @Override
  public String description() {
    return "the server closes after each response, the client reads to EOF: TIME_WAIT on the server";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(
            options.host(), options.port(), ClosePolicy.CLOSE_AFTER_RESPONSE)) {
      RequestLoop.Outcome outcome =
          RequestLoop.run(options, i -> requestAndReadToEof(server.address()));
      return ScenarioResult.settle(
          name(),
          "socket",
          server,
          outcome,
          "server",
          connection -> ExpectedTuple.of("TIME_WAIT", Side.SERVER, connection),
          start);
    }
  }

  private static void requestAndReadToEof(InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) ClientChurnScenario.CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) ClientChurnScenario.READ_TIMEOUT.toMillis());
      InputStream in = HttpWire.get(socket, server);
      // Close only after the server's FIN has arrived, so that ours is the passive close.
      if (in.read() != -1) {
        throw new IOException("unexpected bytes after the response");
      }
    }
  }
}
