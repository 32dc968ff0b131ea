package dev.timewait.analyzer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Removes the agent's instrumentation from a running JVM. */
@Command(
    name = "detach",
    mixinStandardHelpOptions = true,
    description = "Remove the timewait instrumentation from a running JVM (counting stops).")
final class DetachCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
  long pid;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  @Override
  public Integer call() {
    Path jar = AgentJar.locate(agentJar);
    try (JvmConnection jvm = JvmConnection.attach(pid)) {
      jvm.loadAgent(jar, "detach");
    }
    spec.commandLine().getOut().println("timewait instrumentation removed from pid " + pid);
    return 0;
  }
}
