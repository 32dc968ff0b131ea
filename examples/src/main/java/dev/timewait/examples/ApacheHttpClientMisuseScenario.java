package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.HttpClientResponseHandler;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/**
 * Apache HttpClient 5 misused: a new {@link CloseableHttpClient} (and so a new connection pool) per
 * request, closed after it. The server keeps connections alive, so each close of the client is the
 * active close of one connection: TIME_WAIT on the client for every request.
 */
public final class ApacheHttpClientMisuseScenario implements Scenario {

  /**
   * Reads the whole body, which is what lets the client return the connection to its pool, and
   * fails on any status but 200.
   */
  static final HttpClientResponseHandler<Integer> OK_AFTER_CONSUMING =
      response -> {
        EntityUtils.consume(response.getEntity());
        if (response.getCode() != 200) {
          throw new IOException("HTTP " + response.getCode());
        }
        return response.getCode();
      };

  @Override
  public String name() {
    return "apache-misuse";
  }

  @Override
  public String description() {
    return "Apache HttpClient 5, a new client per request: TIME_WAIT on the client per request";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(options.host(), options.port(), ClosePolicy.KEEP_ALIVE)) {
      String uri = server.baseUri();
      RequestLoop.Outcome outcome = RequestLoop.run(options, i -> getWithNewClient(uri));
      return ScenarioResult.settle(
          name(),
          "apache-httpclient5",
          server,
          outcome,
          "client",
          connection -> ExpectedTuple.of("TIME_WAIT", Side.CLIENT, connection),
          start);
    }
  }

  private static void getWithNewClient(String uri) throws IOException {
    try (CloseableHttpClient client = HttpClients.createDefault()) {
      client.execute(new HttpGet(uri), OK_AFTER_CONSUMING);
    } // closing the client closes its pool, and the pooled connection with it
  }
}
