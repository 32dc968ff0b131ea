package dev.timewait.bench;

import java.util.Collection;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the agent's JMH benchmarks (recorder, bridge-to-recorder path, site lookup) with the GC
 * profiler and prints ns/op and bytes allocated per op as result lines.
 *
 * <p>Argument (optional): a benchmark name pattern; default all of them in the agent's package.
 */
public final class JmhRunner {
  private JmhRunner() {}

  public static void main(String[] args) throws Exception {
    String include = args.length > 0 ? args[0] : "dev\\.timewait\\.agent\\.internal\\..*";
    Collection<RunResult> results =
        new Runner(new OptionsBuilder().include(include).addProfiler(GCProfiler.class).build())
            .run();
    for (RunResult run : results) {
      String name = run.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      String type = run.getParams().getParam("type");
      if (type != null) {
        name += " (" + type + ")";
      }
      Result<?> score = run.getPrimaryResult();
      Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
      double bytes = alloc == null ? Double.NaN : alloc.getScore();
      ResultLine.print(
          "per close: " + name,
          ResultLine.format("%.0f ns/op", score.getScore()),
          ResultLine.format("+-%.0f", score.getScoreError()),
          ResultLine.format("%.0f B/op", bytes),
          "report; 0 B/op steady state",
          ResultLine.met(bytes < 1));
    }
  }
}
