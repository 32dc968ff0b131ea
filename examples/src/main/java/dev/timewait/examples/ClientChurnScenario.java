package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A client that opens a connection per request and closes it first: every connection leaves a
 * TIME_WAIT socket on the client side, on the client's ephemeral port.
 */
public final class ClientChurnScenario implements Scenario {

  /** The client that does the churning. */
  public enum Client {
    /** The JDK's {@code java.net.http.HttpClient}. */
    JDK_HTTP_CLIENT("client-churn", "jdk-httpclient"),
    /** A plain {@code java.net.Socket} per request. */
    SOCKET("client-churn-socket", "socket");

    private final String scenarioName;
    private final String label;

    Client(String scenarioName, String label) {
      this.scenarioName = scenarioName;
      this.label = label;
    }
  }

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

  private final Client client;

  public ClientChurnScenario(Client client) {
    this.client = client;
  }

  @Override
  public String name() {
    return client.scenarioName;
  }

  @Override
  public String description() {
    return "a connection per request, closed first by the client ("
        + client.label
        + "): TIME_WAIT on the client";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(options.host(), options.port(), ClosePolicy.CLIENT_CLOSES_FIRST)) {
      RequestLoop.Outcome outcome =
          client == Client.JDK_HTTP_CLIENT
              ? sendWithJdkHttpClient(server, options)
              : RequestLoop.run(options, i -> requestOverNewSocket(server.address()));
      return ScenarioResult.settle(
          name(),
          client.label,
          server,
          outcome,
          "client",
          connection -> ExpectedTuple.of("TIME_WAIT", Side.CLIENT, connection),
          start);
    }
  }

  /**
   * The server answers {@code Connection: close} and then waits for our EOF. The JDK HttpClient
   * closes a connection whose response says {@code close} as soon as the body is read instead of
   * pooling it, so each request opens a new connection and the client's FIN is always the first: no
   * restricted request header is needed, and JDK 17 (without {@code HttpClient.close()}) behaves
   * like 21+.
   */
  private static RequestLoop.Outcome sendWithJdkHttpClient(
      LoopbackHttpServer server, ScenarioOptions options) throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.baseUri())).timeout(READ_TIMEOUT).GET().build();
    try {
      return RequestLoop.run(
          options,
          i -> {
            HttpResponse<Void> response =
                http.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() != 200) {
              throw new IOException("HTTP " + response.statusCode());
            }
          });
    } finally {
      closeIfCloseable(http);
    }
  }

  /** JDK 21+ {@code HttpClient} is {@link AutoCloseable}; closing it stops its selector thread. */
  private static void closeIfCloseable(HttpClient http) {
    if (http instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Every connection is already closed by then; a failure here changes no socket.
      }
    }
  }

  private static void requestOverNewSocket(InetSocketAddress server) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(server, (int) CONNECT_TIMEOUT.toMillis());
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      HttpWire.get(socket, server);
    } // the server is still waiting for a next request: this close is the active one
  }
}
