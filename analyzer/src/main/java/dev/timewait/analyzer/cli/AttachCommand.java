package dev.timewait.analyzer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Loads the agent into a running JVM and reads its state back: the command says "running" only when
 * the agent announces itself in the JVM's agent properties. Options are checked before anything is
 * sent, and a JVM whose agent already runs with other options is an error that names them, since
 * the agent reads its options once, when it starts.
 */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = "Load the timewait agent into a running JVM.",
    footer = {
      "",
      "Exit codes: 0 the agent runs (with the options given), 1 it did not start or runs with"
          + " other options, 2 bad usage or input."
    })
final class AttachCommand implements Callable<Integer> {

  /** How long a freshly loaded agent has to announce itself. */
  private static final long START_MILLIS = 5000;

  @Spec CommandSpec spec;

  @Mixin TargetJvm target;

  @Option(
      names = "--options",
      paramLabel = "k=v,...",
      description = "Agent options as k=v pairs, e.g. interval=5s,maxSites=500 (see the README).")
  String options;

  @Option(
      names = "--agent-jar",
      paramLabel = "FILE",
      description = "The agent jar (default: timewait-agent.jar beside timewait.jar).")
  Path agentJar;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long pid = target.pid();
    Path jar = CompanionJar.agent(agentJar);
    AgentOptionsCheck.check(jar, options);
    Map<String, String> requested = parse(options);
    Progress progress = Progress.onTerminal(err);
    try (JvmConnection jvm = JvmConnection.attach(pid)) {
      Map<String, String> running = jvm.agentOptions();
      if (running != null) {
        List<String> notApplied = notApplied(requested, running);
        if (notApplied.isEmpty()) {
          out.println("timewait agent already running in pid " + pid);
          return 0;
        }
        err.println(
            "timewait: the agent already runs in pid "
                + pid
                + " with "
                + (running.isEmpty() ? "the default options" : join(running))
                + "; not applied: "
                + String.join(",", notApplied)
                + " (the agent reads its options when it starts: 'timewait detach "
                + pid
                + "', then attach again)");
        return Main.EXIT_NOT_DONE;
      }
      progress.show("loading " + jar.getFileName() + " into pid " + pid + " ...");
      jvm.loadAgent(jar, options);
      Map<String, String> started = jvm.awaitAgent(START_MILLIS, progress);
      progress.done();
      if (started == null) {
        err.println(
            "timewait: the agent did not start in pid "
                + pid
                + ": it did not announce itself after "
                + START_MILLIS / 1000
                + " s (the JVM's standard error says why)");
        return Main.EXIT_NOT_DONE;
      }
      out.println("timewait agent running in pid " + pid);
    }
    return 0;
  }

  /** {@code k=v,...} as the agent reads it; the agent's parser has checked it already. */
  static Map<String, String> parse(String options) {
    Map<String, String> map = new LinkedHashMap<>();
    if (options != null) {
      for (String pair : options.split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          map.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
    }
    return map;
  }

  /** The requested options the running agent does not have, as {@code k=v}. */
  static List<String> notApplied(Map<String, String> requested, Map<String, String> running) {
    List<String> differ = new ArrayList<>();
    for (Map.Entry<String, String> option : requested.entrySet()) {
      if (!option.getValue().equals(running.get(option.getKey()))) {
        differ.add(option.getKey() + "=" + option.getValue());
      }
    }
    return differ;
  }

  private static String join(Map<String, String> options) {
    return String.join(",", pairs(options));
  }

  /** The options as {@code k=v} pairs. */
  static List<String> pairs(Map<String, String> options) {
    List<String> pairs = new ArrayList<>();
    options.forEach((k, v) -> pairs.add(k + "=" + v));
    return pairs;
  }
}
