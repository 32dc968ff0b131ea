package dev.timewait.analyzer.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The PID and agent jar options shared by {@code attach} and {@code detach}. */
final class TargetJvm {

  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
  long pid;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  /** The agent jar to load. */
  Path agentJar() {
    return CompanionJar.agent(agentJar);
  }
}
