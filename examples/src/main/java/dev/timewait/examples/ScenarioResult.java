package dev.timewait.examples;

import dev.timewait.core.host.IpAddresses;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * What a scenario did and what the kernel must show for it.
 *
 * @param scenario the scenario's name
 * @param client the client implementation, e.g. {@code socket}, {@code jdk-httpclient}
 * @param serverAddress the loopback server's address
 * @param requests requests that got a complete response
 * @param errors requests that failed, plus one when the server still had connections open at the
 *     end
 * @param connections connections the server accepted
 * @param firstClose who sends the first FIN ({@code client}, {@code server}) or {@code abortive}
 * @param expected the tuples with their expected kernel state
 * @param elapsedMillis wall time of the run
 * @param firstError the first failure, for one line on stderr, or null
 */
public record ScenarioResult(
    String scenario,
    String client,
    String serverAddress,
    int requests,
    int errors,
    int connections,
    String firstClose,
    List<ExpectedTuple> expected,
    long elapsedMillis,
    String firstError) {

  /** How long a scenario waits for the server to see every connection closed. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Waits for the server to close every connection, then describes the run; each accepted
   * connection becomes one expected tuple through {@code expectation}.
   */
  static ScenarioResult settle(
      String scenario,
      String client,
      LoopbackHttpServer server,
      RequestLoop.Outcome outcome,
      String firstClose,
      Function<AcceptedConnection, ExpectedTuple> expectation,
      long startNanos)
      throws InterruptedException {
    boolean closed = server.awaitConnectionsClosed(SETTLE_TIMEOUT);
    List<AcceptedConnection> accepted = server.accepted();
    int errors = outcome.errors() + (closed ? 0 : 1);
    String firstError =
        outcome.firstError() != null
            ? outcome.firstError().toString()
            : closed
                ? null
                : "server connections still open after " + SETTLE_TIMEOUT.toSeconds() + " s";
    return new ScenarioResult(
        scenario,
        client,
        IpAddresses.withPort(server.address().getAddress(), server.address().getPort()),
        outcome.completed(),
        errors,
        accepted.size(),
        firstClose,
        accepted.stream().map(expectation).toList(),
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        firstError);
  }

  /**
   * The same result with other expected tuples, and the elapsed time measured from {@code
   * startNanos}.
   */
  ScenarioResult withExpected(List<ExpectedTuple> tuples, long startNanos) {
    return new ScenarioResult(
        scenario,
        client,
        serverAddress,
        requests,
        errors,
        connections,
        firstClose,
        List.copyOf(tuples),
        Duration.ofNanos(System.nanoTime() - startNanos).toMillis(),
        firstError);
  }

  /** The side expected to hold TIME_WAIT, or {@code none}. */
  public String timeWaitSide() {
    for (ExpectedTuple tuple : expected) {
      if (tuple.state().equals("TIME_WAIT")) {
        return tuple.side().label();
      }
    }
    return "none";
  }

  /** The number of tuples expected in {@code state}. */
  public long count(String state) {
    return expected.stream().filter(t -> t.state().equals(state)).count();
  }

  /** The one-line, space-separated {@code key=value} summary printed at the end of a run. */
  public String summary() {
    return "scenario="
        + scenario
        + " client="
        + client
        + " server="
        + serverAddress
        + " requests="
        + requests
        + " errors="
        + errors
        + " connections="
        + connections
        + " first_close="
        + firstClose
        + " time_wait_side="
        + timeWaitSide()
        + " expected_time_wait="
        + count("TIME_WAIT")
        + " expected_close_wait="
        + count("CLOSE_WAIT")
        + " elapsed_ms="
        + elapsedMillis;
  }
}
