package dev.timewait.analyzer.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Removes the agent's instrumentation from a running JVM. */
@Command(
    name = "detach",
    mixinStandardHelpOptions = true,
    description = "Remove the timewait instrumentation from a running JVM (counting stops).")
final class DetachCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin TargetJvm target;

  @Override
  public Integer call() {
    Path jar = target.agentJar();
    try (JvmConnection jvm = JvmConnection.attach(target.pid)) {
      jvm.loadAgent(jar, "detach");
    }
    spec.commandLine().getOut().println("timewait instrumentation removed from pid " + target.pid);
    return 0;
  }
}
