package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A client that closes with {@code SO_LINGER} on and 0 s: the close sends RST instead of FIN, and
 * no TIME_WAIT socket is left on either side.
 */
public final class LingerZeroScenario implements Scenario {

  @Override
  public String name() {
    return "linger-zero";
  }

  @Override
  public String description() {
    return "the client closes with SO_LINGER 0 (RST): no TIME_WAIT on either side";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(options.host(), options.port(), ClosePolicy.KEEP_ALIVE)) {
      RequestLoop.Outcome outcome =
          RequestLoop.run(options, i -> requestAndReset(server.address()));
      return ScenarioResult.settle(
          name(),
          "socket",
          server,
          outcome,
          "abortive",
          connection -> ExpectedTuple.of("CLOSED", Side.CLIENT, connection),
          start);
    }
  }

  private static void requestAndReset(InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) ClientChurnScenario.CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) ClientChurnScenario.READ_TIMEOUT.toMillis());
      HttpWire.get(socket, server);
      // Safe only because the whole response has been read: an abortive close drops unsent data.
      socket.setSoLinger(true, 0);
    }
  }
}
