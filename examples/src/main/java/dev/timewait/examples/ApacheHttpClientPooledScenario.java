package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * The fix for {@link ApacheHttpClientMisuseScenario}: one Apache HttpClient 5 for the whole run,
 * with a pool of keep-alive connections. All requests share at most {@link #POOL_SIZE} connections;
 * only those leave TIME_WAIT on the client, when the client is closed at the end.
 */
public final class ApacheHttpClientPooledScenario implements Scenario {

  /** The pool's limit, total and per route. */
  public static final int POOL_SIZE = 4;

  @Override
  public String name() {
    return "apache-pooled";
  }

  @Override
  public String description() {
    return "Apache HttpClient 5, one pooled keep-alive client: TIME_WAIT only for the pool";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(options.host(), options.port(), ClosePolicy.KEEP_ALIVE)) {
      HttpGet get = new HttpGet(server.baseUri());
      RequestLoop.Outcome outcome;
      try (CloseableHttpClient client = newPooledClient()) {
        outcome =
            RequestLoop.run(
                options,
                i -> client.execute(get, ApacheHttpClientMisuseScenario.OK_AFTER_CONSUMING));
      } // the pool's connections close here, first on the client side
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

  private static CloseableHttpClient newPooledClient() {
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(POOL_SIZE)
            .setMaxConnPerRoute(POOL_SIZE)
            .build();
    return HttpClients.custom().setConnectionManager(pool).build();
  }
}
