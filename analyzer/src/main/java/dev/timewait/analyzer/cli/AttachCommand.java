package dev.timewait.analyzer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Loads the agent into a running JVM. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = "Load the timewait agent into a running JVM.")
final class AttachCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PID", description = "Process id of the JVM.")
  long pid;

  @Option(
      names = "--options",
      paramLabel = "k=v,...",
      description = "Agent options, e.g. interval=10s,snapshot=/tmp/app.json.")
  String options;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path jar = AgentJar.locate(agentJar);
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    try (JvmConnection jvm = JvmConnection.attach(pid)) {
      progress.show("loading " + jar.getFileName() + " into pid " + pid + " ...");
      jvm.loadAgent(jar, options);
      String json = jvm.awaitSnapshotJson(5000, progress);
      progress.done();
      out.println(
          json != null
              ? "timewait agent running in pid " + pid
              : "timewait agent loaded into pid "
                  + pid
                  + "; its MBean "
                  + JvmConnection.AGENT_MBEAN
                  + " has not appeared yet");
    }
    return 0;
  }
}
