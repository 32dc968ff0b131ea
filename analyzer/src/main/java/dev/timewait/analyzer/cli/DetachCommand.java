package dev.timewait.analyzer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Removes the agent's instrumentation from a running JVM, through the jar the agent was loaded
 * from, and says "removed" only when the agent was there before and is gone after.
 */
@Command(
    name = "detach",
    mixinStandardHelpOptions = true,
    description = "Remove the timewait instrumentation from a running JVM (counting stops).",
    footer = {
      "",
      "Exit codes: 0 removed, 1 no agent was there or it did not go, 2 bad usage or input."
    })
final class DetachCommand implements Callable<Integer> {

  private static final long STOP_MILLIS = 5000;

  @Spec CommandSpec spec;

  @Mixin TargetJvm target;

  /** Accepted as before; the agent's own jar, which it names, carries the request. */
  @Option(names = "--agent-jar", hidden = true, paramLabel = "FILE")
  Path agentJar;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    long pid = target.pid();
    try (JvmConnection jvm = JvmConnection.attach(pid)) {
      if (jvm.agentOptions() == null) {
        err.println("timewait: pid " + pid + " has no timewait agent: nothing to remove");
        return Main.EXIT_NOT_DONE;
      }
      jvm.detachAgent();
      if (!jvm.awaitAgentGone(STOP_MILLIS)) {
        err.println(
            "timewait: the agent in pid "
                + pid
                + " still runs "
                + STOP_MILLIS / 1000
                + " s after detach");
        return Main.EXIT_NOT_DONE;
      }
    }
    spec.commandLine().getOut().println("timewait agent removed from pid " + pid);
    return 0;
  }
}
