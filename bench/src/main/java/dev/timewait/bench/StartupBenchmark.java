package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Start-up of a JVM whose {@code main} opens one loopback connection ({@link Hello}), as whole
 * processes: wall time from starting the process to its end, and its peak resident set. With no
 * agent, with the timewait agent (default options) and with the OpenTelemetry Java agent (exporters
 * off, for reference), in a new rotated order each round; medians, and the median of the per-round
 * differences to no agent. Byte Buddy and the weaving load at the first socket, so a hello world
 * that opens no socket would miss most of the agent's cost.
 *
 * <p>Arguments: {@code TIMEWAIT_AGENT_JAR OTEL_AGENT_JAR [rounds]}.
 */
public final class StartupBenchmark {
  private StartupBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 11;
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
      run(variants.get(v)); // page cache, CDS archive, jars
    }
    double[][] millis = new double[variants.size()][rounds];
    double[][] peakMb = new double[variants.size()][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < variants.size(); k++) {
        int v = (round + k) % variants.size();
        double[] r = run(variants.get(v));
        millis[v][round] = r[0];
        peakMb[v][round] = r[1];
      }
    }
    for (int v = 0; v < variants.size(); v++) {
      System.out.println(
          ResultLine.format(
              "%-14s median %.0f ms, peak RSS %.1f MB over %d runs",
              names[v], ResultLine.median(millis[v]), ResultLine.median(peakMb[v]), rounds));
    }
    double wall = medianDifference(millis[1], millis[0]);
    double rss = medianDifference(peakMb[1], peakMb[0]);
    double otel = medianDifference(millis[2], millis[0]);
    ResultLine.print(
        "start-up, main opens one connection: wall time",
        ResultLine.format("%.0f ms", ResultLine.median(millis[0])),
        ResultLine.format("%.0f ms", ResultLine.median(millis[1])),
        ResultLine.format("%+.0f ms (median of %d per-round differences)", wall, rounds),
        "<= +150 ms",
        ResultLine.met(wall <= 150));
    ResultLine.print(
        "start-up, main opens one connection: peak RSS",
        ResultLine.format("%.1f MB", ResultLine.median(peakMb[0])),
        ResultLine.format("%.1f MB", ResultLine.median(peakMb[1])),
        ResultLine.format("%+.1f MB", rss),
        "<= +20 MB",
        ResultLine.met(rss <= 20));
    ResultLine.print(
        "start-up, main opens one connection: OpenTelemetry agent",
        ResultLine.format("%.0f ms", ResultLine.median(millis[0])),
        ResultLine.format("%.0f ms", ResultLine.median(millis[2])),
        ResultLine.format("%+.0f ms; timewait adds %.2f of it", otel, wall / otel),
        "(reference)",
        null);
  }

  static double medianDifference(double[] b, double[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = b[i] - a[i];
    }
    return ResultLine.median(d);
  }

  /** Wall milliseconds and peak resident MB of one run. */
  private static double[] run(List<String> options) throws Exception {
    List<String> command =
        new ArrayList<>(ChildJvm.builder().jvmArgs(options).mainClass(Hello.class).command());
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String peak = null;
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("peak ")) {
          peak = line.substring(5);
        }
      }
    }
    int exit = process.waitFor();
    long nanos = System.nanoTime() - start;
    if (exit != 0 || peak == null) {
      throw new IllegalStateException("exit " + exit + ": " + command);
    }
    return new double[] {nanos / 1e6, Long.parseLong(peak) / 1024.0};
  }
}
