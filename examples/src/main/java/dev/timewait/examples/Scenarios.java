package dev.timewait.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Command line: {@code Scenarios <name>|all|list [--requests N] [--duration 20s] [--rate R]
 * [--tuples FILE] [--host 127.0.0.1|::1] [--port P]}.
 *
 * <p>Each run prints one {@code key=value} summary line per scenario on stdout. Exit status: 0 when
 * every request succeeded, 1 when some failed, 2 on bad input.
 */
public final class Scenarios {

  /** {@code all} runs each scenario with this many requests at {@link #ALL_RATE} (about 20 s). */
  static final int ALL_REQUESTS = 100;

  static final double ALL_RATE = 40;
  static final Duration ALL_DURATION = Duration.ofSeconds(3);

  private static final String USAGE =
      "usage: Scenarios <name>|all|list [--requests N] [--duration 20s] [--rate R]"
          + " [--tuples FILE] [--host 127.0.0.1|::1] [--port P]";

  private Scenarios() {}

  /** Every scenario, in the order {@code all} runs them. */
  public static List<Scenario> all() {
    return List.of(
        new ClientChurnScenario(ClientChurnScenario.Client.JDK_HTTP_CLIENT),
        new ClientChurnScenario(ClientChurnScenario.Client.SOCKET),
        new ServerSideCloseScenario(),
        new ApacheHttpClientMisuseScenario(),
        new ApacheHttpClientPooledScenario(),
        new JdkHttpClientIdleCutoffScenario(),
        new CloseWaitLeakScenario(),
        new LingerZeroScenario());
  }

  /** The scenario called {@code name}, or null. */
  public static Scenario named(String name) {
    for (Scenario scenario : all()) {
      if (scenario.name().equals(name)) {
        return scenario;
      }
    }
    return null;
  }

  public static void main(String[] args) throws InterruptedException {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command line and returns the exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
    if (args.length == 0) {
      err.println(USAGE);
      return 2;
    }
    String name = args[0];
    if (name.equals("list")) {
      for (Scenario scenario : all()) {
        out.println(scenario.name() + "\t" + scenario.description());
      }
      return 0;
    }
    boolean runAll = name.equals("all");
    Scenario single = runAll ? null : named(name);
    if (!runAll && single == null) {
      err.println("unknown scenario '" + name + "' (try: list)");
      return 2;
    }
    ScenarioOptions options;
    try {
      ScenarioOptions base =
          runAll
              ? ScenarioOptions.defaults()
                  .withRequests(ALL_REQUESTS)
                  .withRate(ALL_RATE)
                  .withDuration(ALL_DURATION)
              : ScenarioOptions.defaults();
      options = parseOptions(args, base);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 2;
    }
    List<Scenario> scenarios = runAll ? all() : List.of(single);
    List<String> tupleLines = new ArrayList<>();
    tupleLines.add("# scenario state side local remote");
    int status = 0;
    for (int i = 0; i < scenarios.size(); i++) {
      Scenario scenario = scenarios.get(i);
      ScenarioOptions scenarioOptions =
          options.port() == 0 ? options : options.withPort(options.port() + i);
      ScenarioResult result;
      try {
        result = scenario.run(scenarioOptions);
      } catch (IOException e) {
        err.println("scenario " + scenario.name() + " failed: " + e);
        return 1;
      }
      out.println(result.summary());
      out.flush();
      if (result.errors() > 0) {
        err.println("scenario " + scenario.name() + ": " + result.firstError());
        status = 1;
      }
      for (ExpectedTuple tuple : result.expected()) {
        tupleLines.add(tuple.line(result.scenario()));
      }
    }
    if (options.tuples() != null) {
      try {
        Files.write(options.tuples(), tupleLines, StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("cannot write " + options.tuples() + ": " + e.getMessage());
        return 1;
      }
    }
    return status;
  }

  static ScenarioOptions parseOptions(String[] args, ScenarioOptions base) {
    ScenarioOptions options = base;
    for (int i = 1; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value; " + USAGE);
      }
      String value = args[i + 1];
      switch (option) {
        case "--requests" -> options = options.withRequests(parseInt(option, value));
        case "--duration" -> options = options.withDuration(ScenarioOptions.parseDuration(value));
        case "--rate" -> options = options.withRate(parseDouble(option, value));
        case "--tuples" -> options = options.withTuples(Path.of(value));
        case "--host" -> options = options.withHost(ScenarioOptions.parseHost(value));
        case "--port" -> options = options.withPort(parseInt(option, value));
        default -> throw new IllegalArgumentException("unknown option " + option + "; " + USAGE);
      }
    }
    return options;
  }

  private static int parseInt(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a whole number: " + value);
    }
  }

  private static double parseDouble(String option, String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + ": not a number: " + value);
    }
  }
}
