package dev.timewait.examples;

import dev.timewait.examples.LoopbackHttpServer.ClosePolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A pool that keeps connections longer than the server does: a keep-alive server that closes
 * connections idle for {@link #SERVER_IDLE}, and one shared JDK {@code HttpClient} (whose HTTP/1.1
 * pool keeps an idle connection for {@code jdk.httpclient.keepalive.timeout}, far longer) calling
 * it {@link #PAUSE} apart. The server closes each pooled connection while it sits idle; the
 * client's pool sees the FIN and closes its end (the passive close), and the next call connects
 * again. Every connection ends on the server's FIN: TIME_WAIT on the server, and the agent reads on
 * the client how long each sat idle before that FIN. At most {@link #CALLS} requests, paced by
 * {@link #PAUSE} rather than by the options' rate.
 */
public final class JdkHttpClientIdleCutoffScenario implements Scenario {

  /** The server's idle cut-off. */
  public static final Duration SERVER_IDLE = Duration.ofMillis(1_200);

  /** The client's pause between requests, longer than {@link #SERVER_IDLE}. */
  static final Duration PAUSE = Duration.ofMillis(1_500);

  /** Requests at most: each connection, the last included, ends on the server's idle timeout. */
  public static final int CALLS = 3;

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Override
  public String name() {
    return "jdk-idle-cutoff";
  }

  @Override
  public String description() {
    return "JDK HttpClient pooled, the server's idle timeout shorter than the pool's:"
        + " TIME_WAIT on the server";
  }

  @Override
  public ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException {
    long start = System.nanoTime();
    try (LoopbackHttpServer server =
        LoopbackHttpServer.start(
            options.host(), options.port(), ClosePolicy.KEEP_ALIVE, SERVER_IDLE)) {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(TIMEOUT)
              .build();
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(server.baseUri())).timeout(TIMEOUT).GET().build();
      int completed = 0;
      int errors = 0;
      Exception firstError = null;
      int calls = Math.min(options.requests(), CALLS);
      for (int i = 0; i < calls; i++) {
        if (i > 0) {
          Thread.sleep(PAUSE.toMillis());
        }
        try {
          HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
          }
          completed++;
        } catch (IOException e) {
          errors++;
          firstError = firstError == null ? e : firstError;
        }
      }
      Thread.sleep(PAUSE.toMillis()); // the server closes the last connection too
      return ScenarioResult.settle(
          name(),
          "jdk-httpclient",
          server,
          new RequestLoop.Outcome(completed, errors, firstError),
          "server",
          connection -> ExpectedTuple.of("TIME_WAIT", Side.SERVER, connection),
          start);
    }
  }
}
