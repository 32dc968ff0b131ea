package dev.timewait.analyzer.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The JVM that {@code attach}, {@code detach} and {@code snapshot} work on. The PID is positional,
 * as in {@code report PID}; {@code --pid PID} is accepted too.
 */
final class TargetJvm {

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "PID",
      description = "Process id of the JVM.")
  Long positional;

  @Option(names = "--pid", hidden = true, paramLabel = "PID")
  Long option;

  /** The PID, given either way. */
  long pid() {
    if (positional != null && option != null && !positional.equals(option)) {
      throw new CliException("two PIDs given (" + positional + " and --pid " + option + ")");
    }
    if (positional == null && option == null) {
      throw new CliException("missing PID (the process id of the JVM, e.g. from jps)");
    }
    return positional != null ? positional : option;
  }
}
