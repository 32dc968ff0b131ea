package dev.timewait.bench;

import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.LoopbackTimeWaitMaker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The agent on a host whose TIME_WAIT table holds about 100,000 sockets: the churn of {@link
 * ChurnBenchmark} at small heaps with and without the agent (no {@code OutOfMemoryError} in the
 * application, and the throughput ratio), and the CPU time of the agent's host sampler thread per
 * {@code tableInterval}.
 *
 * <p>Runs only inside a network namespace of its own (its only interface is {@code lo}), where
 * {@code bench/run.sh} has set {@code tcp_max_tw_buckets} to the table size: the sockets it makes
 * and those of the churn stay there, and the host's own table is untouched. It fills the table from
 * 32 loopback destinations (127.0.3.x) before the first row, and the churn keeps it full.
 *
 * <p>Arguments: {@code AGENT_JAR ROUNDS WARM_UP MEASURED THREADS HEAPS_MB} ({@code 16,32,64});
 * {@code idle SECONDS} is the sampler row's child.
 */
public final class HostTableBenchmark {
  private static final int DESTINATIONS = 32;

  /** The sampler row's intervals: the default ratio of 60 s to 15 s, six times shorter. */
  private static final String SAMPLER_OPTIONS = "tableInterval=10s,hostInterval=2500ms";

  private static final int SAMPLER_INTERVALS = 4;
  private static final long DEFAULT_TABLE_INTERVAL_MILLIS = 60_000;

  private HostTableBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("idle")) {
      Hello.oneConnection();
      System.out.println("ready " + ProcessHandle.current().pid());
      Thread.sleep((long) (Double.parseDouble(args[1]) * 1000));
      return;
    }
    if (!inOwnNetworkNamespace()) {
      System.out.println(
          "skipped: not in a network namespace of its own (bench/run.sh starts it in one, as root)");
      return;
    }
    String agent = args[0];
    int rounds = Integer.parseInt(args[1]);
    double warmUp = Double.parseDouble(args[2]);
    double measured = Double.parseDouble(args[3]);
    int threads = Integer.parseInt(args[4]);
    LinuxProcCollector host = new LinuxProcCollector();
    // Files.readString reads one byte of a sysctl file
    System.out.println(
        "tcp_max_tw_buckets "
            + Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_max_tw_buckets")).get(0));
    List<LoopbackTimeWaitMaker> makers = new ArrayList<>();
    for (int d = 0; d < DESTINATIONS; d++) {
      makers.add(
          LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("127.0.3." + (1 + d))));
    }
    long start = System.nanoTime();
    fill(makers, 110_000);
    System.out.println(
        ResultLine.format(
            "filled in %.1f s: %d TIME_WAIT", (System.nanoTime() - start) / 1e9, tw(host)));
    Thread filler = new Thread(() -> keepFull(makers), "filler");
    filler.setDaemon(true);
    filler.start();
    for (String heap : args[5].split(",")) {
      smallHeap(agent, "-Xmx" + heap + "m", rounds, warmUp, measured, threads, host);
    }
    sampler(agent, host);
  }

  /** Only {@code lo} in {@code /proc/net/dev}: a namespace made for this run. */
  private static boolean inOwnNetworkNamespace() throws IOException {
    Path dev = Path.of("/proc/net/dev");
    if (!Files.exists(dev)) {
      return false;
    }
    List<String> interfaces = new ArrayList<>();
    for (String line : Files.readAllLines(dev)) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        interfaces.add(line.substring(0, colon).trim());
      }
    }
    return interfaces.equals(List.of("lo"));
  }

  private static long tw(LinuxProcCollector host) {
    Long count = host.timeWaitCount();
    return count == null ? -1 : count;
  }

  private static void fill(List<LoopbackTimeWaitMaker> makers, int sockets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (LoopbackTimeWaitMaker maker : makers) {
        parts.add(pool.submit(() -> maker.connect(sockets / makers.size(), 1, null)));
      }
      for (Future<?> part : parts) {
        part.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void smallHeap(
      String agent,
      String heap,
      int rounds,
      double warmUp,
      double measured,
      int threads,
      LinuxProcCollector host)
      throws Exception {
    double[][] rates = new double[2][rounds];
    long[] appOom = new long[2];
    long[] agentOomLines = new long[2];
    List<String> failures = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 2; k++) {
        int variant = (round + k) % 2;
        List<String> options = variant == 0 ? List.of(heap) : List.of(heap, "-javaagent:" + agent);
        long before = tw(host);
        ChurnBenchmark.Outcome o = ChurnBenchmark.child(options, threads, warmUp, measured);
        rates[variant][round] = o.rate;
        appOom[variant] += o.applicationOutOfMemory + o.outOfMemoryLines(false);
        agentOomLines[variant] += o.outOfMemoryLines(true);
        if (o.failure != null) {
          failures.add((variant == 0 ? "A: " : "B: ") + o.failure);
          System.out.println("failure: " + o.failure + "\n" + o.stderr);
        }
        System.out.println(
            ResultLine.format(
                "%s %s round %d: %.0f conn/s, TIME_WAIT on the host %d before, %d after;"
                    + " application OOM %d, agent OOM lines %d",
                heap,
                variant == 0 ? "A" : "B",
                round + 1,
                o.rate,
                before,
                tw(host),
                o.applicationOutOfMemory + o.outOfMemoryLines(false),
                o.outOfMemoryLines(true)));
      }
    }
    double ratio = ChurnBenchmark.medianRatio(rates);
    boolean met = appOom[1] == 0 && failures.isEmpty() && ratio >= 0.95;
    ResultLine.print(
        ResultLine.format(
            "churn at %s, ~100,000 TIME_WAIT on the host, %d client threads", heap, threads),
        ResultLine.format("%.0f conn/s, app OOM %d", ResultLine.median(rates[0]), appOom[0]),
        ResultLine.format("%.0f conn/s, app OOM %d", ResultLine.median(rates[1]), appOom[1]),
        ResultLine.format(
            "%.3f (B/A, median of %d rounds); agent-thread OOM lines %d%s",
            ratio, rounds, agentOomLines[1], failures.isEmpty() ? "" : "; FAILED " + failures),
        "no OOM in the application; >= 0.95",
        ResultLine.met(met));
  }

  /**
   * The host thread's CPU time ({@code schedstat}) in a child with the agent, while a filler keeps
   * the table full: after the first table sample (cold: class loading, the JIT), over {@link
   * #SAMPLER_INTERVALS} table intervals.
   */
  private static void sampler(String agent, LinuxProcCollector host) throws Exception {
    double intervalSeconds = 10;
    double seconds = 5 + SAMPLER_INTERVALS * intervalSeconds + 2;
    try (ChildJvm child =
        ChildJvm.builder()
            .agent(Path.of(agent), SAMPLER_OPTIONS)
            .mainClass(HostTableBenchmark.class)
            .args("idle", Double.toString(seconds))
            .timeout(Duration.ofSeconds((long) seconds + 60))
            .inheritStderr()
            .start()) {
      child.awaitValue("ready");
      long pid = child.pid();
      Thread.sleep(5000);
      long tableBefore = tw(host);
      double first = threadCpuMillis(pid, "timewait-host");
      Thread.sleep((long) (SAMPLER_INTERVALS * intervalSeconds * 1000));
      double after = threadCpuMillis(pid, "timewait-host");
      long tableAfter = tw(host);
      double perInterval = (after - first) / SAMPLER_INTERVALS;
      double share = perInterval / DEFAULT_TABLE_INTERVAL_MILLIS;
      System.out.println(
          ResultLine.format(
              "sampler: first %.0f ms of CPU (cold), then %.1f ms per table interval over %d;"
                  + " TIME_WAIT %d and %d",
              first, perInterval, SAMPLER_INTERVALS, tableBefore, tableAfter));
      ResultLine.print(
          "host sampler thread CPU per tableInterval, ~100,000 TIME_WAIT on the host",
          ResultLine.format("first sample %.0f ms (cold)", first),
          ResultLine.format("%.1f ms per interval", perInterval),
          ResultLine.format("%.3f %% of a core at the default 60 s", share * 100),
          "<= 1 %",
          ResultLine.met(share <= 0.01));
    }
  }

  /**
   * About 2,500 client-first closes a second, round the destinations, for as long as the harness
   * runs: more than the table loses to expiry at 100,000 sockets (1,667 a second), whatever the
   * ages of the sockets in it. While the churn runs, the table is full and the kernel keeps none of
   * these.
   */
  private static void keepFull(List<LoopbackTimeWaitMaker> makers) {
    long next = System.nanoTime();
    for (int k = 0; ; k++) {
      try (Socket socket = new Socket()) {
        socket.connect(makers.get(k % makers.size()).endpoint());
      } catch (IOException e) {
        // a refused or reset connection leaves no TIME_WAIT; go on
      }
      next += 400_000; // 2,500 a second
      long wait = next - System.nanoTime();
      if (wait > 1_000_000) {
        try {
          Thread.sleep(wait / 1_000_000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /** The CPU time of the child's thread named {@code name}, from {@code schedstat}. */
  static double threadCpuMillis(long pid, String name) throws IOException {
    Path tasks = Path.of("/proc/" + pid + "/task");
    try (var dirs = Files.list(tasks)) {
      for (Path task : (Iterable<Path>) dirs::iterator) {
        String comm = Files.readString(task.resolve("comm")).trim();
        if (comm.equals(name)) {
          String schedstat = Files.readString(task.resolve("schedstat")).trim();
          return Long.parseLong(schedstat.split(" ")[0]) / 1e6;
        }
      }
    }
    throw new IOException("no thread " + name + " in process " + pid);
  }
}
