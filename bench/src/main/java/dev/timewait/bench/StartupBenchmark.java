package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import java.util.List;

/**
 * Start-up: the wall time of a hello-world JVM with no agent, with the timewait agent (default
 * options) and with the OpenTelemetry Java agent (exporters off), in a new rotated order each
 * round. Reports medians and the differences to no agent.
 *
 * <p>Arguments: {@code TIMEWAIT_AGENT_JAR OTEL_AGENT_JAR [rounds]}.
 */
public final class StartupBenchmark {
  private StartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    List<List<String>> variants =
        List.of(
            List.of(),
            List.of("-javaagent:" + args[0]),
            List.of(
                "-javaagent:" + args[1],
                "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none",
                "-Dotel.logs.exporter=none",
                "-Dotel.javaagent.logging=none"));
    String[] names = {"no agent", "timewait", "OpenTelemetry"};
    for (int v = 0; v < variants.size(); v++) {
      time(variants.get(v)); // page cache, CDS archive, jars
    }
    double[][] millis = new double[variants.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < variants.size(); k++) {
        int v = (round + k) % variants.size();
        millis[v][round] = time(variants.get(v));
      }
    }
    double[] medians = new double[variants.size()];
    double[][] added = new double[2][rounds];
    for (int v = 0; v < variants.size(); v++) {
      medians[v] = ResultLine.median(millis[v]);
      System.out.println(
          ResultLine.format("%-14s median %.0f ms over %d runs", names[v], medians[v], rounds));
    }
    for (int round = 0; round < rounds; round++) {
      added[0][round] = millis[1][round] - millis[0][round];
      added[1][round] = millis[2][round] - millis[0][round];
    }
    double timewait = ResultLine.median(added[0]);
    double otel = ResultLine.median(added[1]);
    ResultLine.print(
        "start-up, hello world: timewait agent",
        ResultLine.format("%.0f ms", medians[0]),
        ResultLine.format("%.0f ms", medians[1]),
        ResultLine.format("+%.0f ms", timewait),
        "<= +300 ms",
        ResultLine.met(timewait <= 300));
    ResultLine.print(
        "start-up, hello world: OpenTelemetry agent",
        ResultLine.format("%.0f ms", medians[0]),
        ResultLine.format("%.0f ms", medians[2]),
        ResultLine.format("+%.0f ms", otel),
        "(reference)",
        null);
    double share = timewait / otel;
    ResultLine.print(
        "start-up: timewait's addition / OpenTelemetry's",
        ResultLine.format("+%.0f ms", otel),
        ResultLine.format("+%.0f ms", timewait),
        ResultLine.format("%.2f", share),
        "<= 0.20",
        ResultLine.met(share <= 0.20));
  }

  private static double time(List<String> options) throws Exception {
    List<String> command = ChildJvm.builder().jvmArgs(options).mainClass(Hello.class).command();
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    int exit = process.waitFor();
    long nanos = System.nanoTime() - start;
    if (exit != 0) {
      throw new IllegalStateException("exit " + exit + ": " + command);
    }
    return nanos / 1e6;
  }
}
