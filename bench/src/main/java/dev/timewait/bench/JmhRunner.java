package dev.timewait.bench;

import java.util.Collection;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the agent's JMH benchmarks (recorder, bridge-to-recorder path, site lookup) with the GC
 * profiler and prints ns/op and bytes allocated per op as result lines. The close path's goal is at
 * most 1 µs and no allocation per connection end (an open, a close), for {@code Socket} and {@code
 * SocketChannel}; rows with {@code siteRate=1000} are the default agent past that rate, where most
 * connections are not walked, rows with every stack walked are {@code siteRate=0}.
 *
 * <p>Argument (optional): a benchmark name pattern; default {@link SocketEventBenchmark} and {@link
 * CloseRecorderBenchmark}.
 */
public final class JmhRunner {
  private JmhRunner() {}

  public static void main(String[] args) throws Exception {
    String include =
        args.length > 0
            ? args[0]
            : "dev\\.timewait\\.bench\\.(SocketEventBenchmark|CloseRecorderBenchmark)\\..*";
    Collection<RunResult> results =
        new Runner(new OptionsBuilder().include(include).addProfiler(GCProfiler.class).build())
            .run();
    for (RunResult run : results) {
      String benchmark = run.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String name =
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
      String type = run.getParams().getParam("type");
      String siteRate = run.getParams().getParam("siteRate");
      if (type != null) {
        name +=
            " ("
                + type
                + (siteRate == null
                    ? ""
                    : siteRate.equals("0") ? ", every stack walked" : ", siteRate=" + siteRate)
                + ")";
      }
      Result<?> score = run.getPrimaryResult();
      Result<?> alloc = run.getSecondaryResults().get("gc.alloc.rate.norm");
      double bytes = alloc == null ? Double.NaN : alloc.getScore();
      // the close path's goal is per connection end: open and close are one each
      int ends = method.equals("openAndClose") ? 2 : 1;
      boolean closePath = !method.equals("resolveSite") && name.startsWith("SocketEvent");
      String goal =
          closePath
              ? ResultLine.format("<= %d ns, 0 B/op", 1000 * ends)
              : method.equals("resolveSite") ? "(one stack walk, reference)" : "0 B/op";
      String met =
          closePath
              ? ResultLine.met(score.getScore() <= 1000 * ends && bytes < 1)
              : method.equals("resolveSite") ? null : ResultLine.met(bytes < 1);
      ResultLine.print(
          "per connection end: " + name,
          ResultLine.format("%.0f ns/op", score.getScore()),
          ResultLine.format("+-%.0f", score.getScoreError()),
          ResultLine.format("%.0f B/op", bytes),
          goal,
          met);
    }
  }
}
