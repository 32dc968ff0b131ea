package dev.timewait.analyzer.cli;

import dev.timewait.analyzer.top.TopFrame;
import dev.timewait.analyzer.top.TopSampler;
import dev.timewait.analyzer.top.TopTerminal;
import dev.timewait.analyzer.top.TopView;
import dev.timewait.core.rules.Thresholds;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A live view of the host's TIME_WAIT and the code sites behind it, refreshed like top. */
@Command(
    name = "top",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Live view, refreshed every second: the host's TIME_WAIT and CLOSE_WAIT and their trend,"
          + " the code sites by active closes per second with their share of the host's"
          + " TIME_WAIT, the client destinations with their ephemeral port use, and the findings"
          + " as they are raised and cleared.",
      "Keys: a, s, t sort (closes/s, TW share, active); up and down select a site; enter shows"
          + " its stacks; q quits. Without a terminal (or with --batch) it prints plain frames."
    })
final class TopCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PID",
      arity = "0..*",
      description = "JVMs to follow (default: every JVM of this user with the agent).")
  List<Long> positionalPids = new ArrayList<>();

  @Option(names = "--pid", hidden = true, paramLabel = "PID")
  List<Long> optionPids = new ArrayList<>();

  @Option(
      names = {"-b", "--batch"},
      description =
          "Plain text frames on standard output, as 'top -b' (the default off a terminal).")
  boolean batch;

  @Option(
      names = {"-n", "--iterations"},
      paramLabel = "COUNT",
      description = "Stop after COUNT refreshes (default: until q or interrupted).")
  int count;

  @Option(
      names = {"-d", "--delay"},
      paramLabel = "DURATION",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Time between refreshes (default: ${DEFAULT-VALUE}).")
  Duration delay;

  @Override
  public Integer call() throws IOException {
    if (count < 0) {
      throw new CliException("-n must be 0 or more");
    }
    if (delay.isNegative() || delay.isZero()) {
      throw new CliException("--delay must be longer than 0");
    }
    List<Long> pids = new ArrayList<>(positionalPids);
    pids.addAll(optionPids);
    try (AttachedAgentSource source = new AttachedAgentSource(pids)) {
      TopSampler sampler =
          new TopSampler(HostWindow.thisHost(new ArrayList<>()), source, Thresholds.defaults());
      if (batch || System.console() == null) {
        batch(sampler, spec.commandLine().getOut());
      } else {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
          new TopTerminal(terminal, sampler, delay).run(count);
        }
      }
    }
    return 0;
  }

  private void batch(TopSampler sampler, PrintWriter out) {
    TopView view = new TopView(false);
    for (int i = 0; count == 0 || i < count; i++) {
      if (i > 0) {
        sleep(delay.toMillis());
      }
      TopFrame frame = sampler.sample();
      view.update(frame);
      for (String line : view.render(frame, Integer.MAX_VALUE, Integer.MAX_VALUE)) {
        out.println(line);
      }
      out.println();
      out.flush();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException("interrupted");
    }
  }
}
