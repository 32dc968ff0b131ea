package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client that reads each response but never closes the connection the server has closed: its
 * sockets sit in CLOSE_WAIT for as long as it holds them. They stay reachable, so no garbage
 * collection closes them behind the scenario's back; at the end of {@code --duration} they are
 * closed, the client's close is passive, and the server's side moves to TIME_WAIT.
 */
public final class CloseWaitLeakScenario implements Scenario {

  /** An orphaned FIN_WAIT_2 lasts {@code tcp_fin_timeout} (60 s): after it no TIME_WAIT follows. */
  private static final Duration FIN_WAIT_2_LIFETIME = Duration.ofSeconds(55);

  private final Consumer<List<ExpectedTuple>> whileHeld;

  /** The scenario as run from the command line. */
  public CloseWaitLeakScenario() {
    this(held -> {});
  }

  /**
   * @param whileHeld called with the CLOSE_WAIT tuples once the server has closed every connection
   *     and before the client releases its sockets
   */
  public CloseWaitLeakScenario(Consumer<List<ExpectedTuple>> whileHeld) {
    this.whileHeld = whileHeld;
  }

  @Override
  public String name() {
    return "close-wait-leak";
  }

  @Override
  public String description() {
    return "the server closes, the client keeps its sockets: CLOSE_WAIT on the client while held";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    List<Socket> leaked = new ArrayList<>();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(
            options.host(), options.port(), ClosePolicy.CLOSE_AFTER_RESPONSE)) {
      try {
        RequestLoop.Outcome outcome =
            RequestLoop.run(options, i -> leaked.add(requestAndForget(server.address())));
        ScenarioResult result =
            ScenarioResult.settle(
                name(),
                "socket",
                server,
                outcome,
                "server",
                connection -> ExpectedTuple.of("CLOSE_WAIT", Side.CLIENT, connection),
                start);
        long serverClosedAt = System.nanoTime();
        whileHeld.accept(result.expected());
        long holdUntil = start + options.duration().toNanos();
        long wait = holdUntil - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        boolean finWait2Alive = System.nanoTime() - serverClosedAt < FIN_WAIT_2_LIFETIME.toNanos();
        List<ExpectedTuple> expected = new ArrayList<>(result.expected());
        for (AcceptedConnection connection : server.accepted()) {
          expected.add(
              ExpectedTuple.of(finWait2Alive ? "TIME_WAIT" : "CLOSED", Side.SERVER, connection));
        }
        return result.withExpected(expected, start);
      } finally {
        release(leaked);
      }
    }
  }

  private static Socket requestAndForget(InetSocketAddress server) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(server, (int) ClientChurnScenario.CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) ClientChurnScenario.READ_TIMEOUT.toMillis());
      HttpWire.get(socket, server);
      return socket; // the leak: the response is used, the connection is never closed
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** The end of the scenario, not part of the leak: a late, passive close of every socket. */
  private static void release(List<Socket> leaked) {
    for (Socket socket : leaked) {
      try {
        socket.close();
      } catch (IOException e) {
        // the socket is gone either way
      }
    }
  }
}
