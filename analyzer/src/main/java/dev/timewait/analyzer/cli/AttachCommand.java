package dev.timewait.analyzer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Loads the agent into a running JVM. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = "Load the timewait agent into a running JVM.")
final class AttachCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin TargetJvm target;

  @Option(
      names = "--options",
      paramLabel = "k=v,...",
      description = "Agent options, e.g. interval=10s,snapshot=/tmp/app.json.")
  String options;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path jar = target.agentJar();
    long pid = target.pid;
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
