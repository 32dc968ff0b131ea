package dev.timewait.examples;

import java.io.IOException;

/** One runnable loopback scenario whose close order, and so whose kernel state, is fixed. */
public interface Scenario {

  /** The name used on the command line, e.g. {@code client-churn}. */
  String name();

  /** One line for {@code list}: what the scenario shows. */
  String description();

  /** Runs the scenario to its end; every socket it opened is closed when this returns. */
  ScenarioResult run(ScenarioOptions options) throws IOException, InterruptedException;
}
