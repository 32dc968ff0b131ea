package dev.timewait.bench;

import dev.timewait.core.host.ConnectionTableBuilder;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.host.linux.ProcNetTcpParser;
import dev.timewait.testing.LoopbackTimeWaitMaker;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import oshi.SystemInfo;
import oshi.software.os.InternetProtocolStats;

/**
 * Fills the host with TIME_WAIT sockets on loopback, then times the ways of reading them, in
 * alternating rounds inside the 60 s TIME_WAIT lifetime: the Linux collector's table sample, {@code
 * cat} of the tables, a plain JVM read of their bytes, {@code ss}, OSHI's {@code getConnections()},
 * and the count-only sockstat path. Prints medians, ratios and bytes allocated per call.
 *
 * <p>Arguments (all optional): {@code sockets destinations rounds}; defaults 100000 4 7.
 * Destinations are 127.0.0.2, 127.0.0.3, ...: each gives its own range of ephemeral ports.
 */
public final class CollectorBenchmark {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** One way of reading the table; returns a number to print as a sanity check. */
  @FunctionalInterface
  interface Task {
    long run() throws Exception;
  }

  record Measurement(long nanos, long allocatedBytes, long check) {}

  private CollectorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int sockets = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int destinations = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    LinuxProcCollector collector = new LinuxProcCollector();
    InternetProtocolStats oshi = new SystemInfo().getOperatingSystem().getInternetProtocolStats();
    byte[] rawBuffer = new byte[256 * 1024];

    Map<String, Task> tasks = new LinkedHashMap<>();
    tasks.put("linux table sample", () -> collector.sampleTable().table().timeWait());
    tasks.put("  of which table scan", () -> scanOnly());
    tasks.put("cat tcp tcp6 >/dev/null", () -> command("cat", "/proc/net/tcp", "/proc/net/tcp6"));
    tasks.put("JVM read raw bytes", () -> readRaw(rawBuffer));
    tasks.put("ss -tan state time-wait", () -> command("ss", "-tan", "state", "time-wait"));
    tasks.put("OSHI getConnections()", () -> oshiTimeWait(oshi));
    tasks.put("sockstat count only", () -> collector.timeWaitCount());
    tasks.put("linux counters sample", () -> collector.sampleCounters().counters().sockstatTw());

    System.out.printf(
        Locale.ROOT,
        "java %s, %s %s, %d CPUs%n",
        Runtime.version(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        Runtime.getRuntime().availableProcessors());
    long deadline = System.nanoTime() + 70_000_000_000L;
    while (collector.timeWaitCount() != null
        && collector.timeWaitCount() > 2_000
        && System.nanoTime() < deadline) {
      // sockets of an earlier run would add up with these past tcp_max_tw_buckets
      System.out.printf(
          Locale.ROOT, "waiting for %d TIME_WAIT sockets to expire%n", collector.timeWaitCount());
      Thread.sleep(10_000);
    }
    System.out.printf(Locale.ROOT, "TIME_WAIT before: %d%n", collector.timeWaitCount());
    // warm the parser and JIT on the quiet host before the 60 s window starts
    for (int i = 0; i < 20; i++) {
      collector.sampleTable();
      collector.sampleCounters();
    }

    List<LoopbackTimeWaitMaker> servers = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int d = 0; d < destinations; d++) {
        servers.add(
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("127.0.0." + (2 + d))));
      }
      HostSample before = collector.sampleCounters();
      fill(servers, sockets);
      long made = System.nanoTime();
      HostSample after = collector.sampleCounters();
      System.out.printf(
          Locale.ROOT,
          "while making them: TWRecycled +%d (TIME_WAIT taken over by connect()),"
              + " TCPTimeWaitOverflow +%d%n",
          delta(before.counters().twRecycled(), after.counters().twRecycled()),
          delta(before.counters().timeWaitOverflow(), after.counters().timeWaitOverflow()));
      System.out.printf(
          Locale.ROOT,
          "made %d TIME_WAIT sockets towards %d destinations in %.1f s; sockstat tw now %d%n",
          sockets,
          destinations,
          (made - start) / 1e9,
          collector.timeWaitCount());
      HostSample sample = collector.sampleTable();
      System.out.printf(
          Locale.ROOT,
          "table: %d TIME_WAIT, %d client groups, malformed %d%n",
          sample.table().timeWait(),
          sample.table().clientGroups().size(),
          sample.table().malformedLines());

      for (Task task : tasks.values()) {
        task.run(); // warm-up at full size: the JIT compiles the scan loops with real row counts
      }
      for (int i = 0; i < 5; i++) {
        collector.sampleTable();
      }
      Map<String, List<Measurement>> results = new LinkedHashMap<>();
      List<String> names = new ArrayList<>(tasks.keySet());
      for (String name : names) {
        results.put(name, new ArrayList<>());
      }
      java.util.Random order = new java.util.Random(42);
      for (int round = 0; round < rounds; round++) {
        // a new order each round: a read right after another walk of the same tables finds them
        // warm in the CPU caches, so no task may always follow the same one
        List<String> shuffled = new ArrayList<>(names);
        java.util.Collections.shuffle(shuffled, order);
        for (String name : shuffled) {
          results.get(name).add(measure(tasks.get(name)));
        }
      }
      double windowSeconds = (System.nanoTime() - made) / 1e9;
      print(results, windowSeconds, collector.timeWaitCount());
    } finally {
      for (LoopbackTimeWaitMaker server : servers) {
        server.close();
      }
    }
  }

  private static void fill(List<LoopbackTimeWaitMaker> servers, int sockets) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(servers.size());
    try {
      List<Future<?>> parts = new ArrayList<>();
      for (int d = 0; d < servers.size(); d++) {
        LoopbackTimeWaitMaker server = servers.get(d);
        int share = sockets / servers.size() + (d < sockets % servers.size() ? 1 : 0);
        parts.add(pool.submit(() -> server.connect(share, 2, null)));
      }
      for (Future<?> part : parts) {
        part.get();
      }
      for (int d = 0; d < servers.size(); d++) {
        servers
            .get(d)
            .awaitClosed(sockets / servers.size() + (d < sockets % servers.size() ? 1 : 0));
      }
    } finally {
      pool.shutdown();
    }
  }

  private static long delta(Long before, Long after) {
    return before == null || after == null ? -1 : after - before;
  }

  private static Measurement measure(Task task) throws Exception {
    // OSHI leaves hundreds of MB of garbage; collect before every call so no task pays for
    // another's
    System.gc();
    long thread = Thread.currentThread().getId();
    long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
    long before = System.nanoTime();
    long check = task.run();
    long nanos = System.nanoTime() - before;
    long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
    return new Measurement(nanos, allocated, check);
  }

  private static long command(String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    return process.waitFor();
  }

  /**
   * Only the parse and grouping of both tables, without the settings and counters a sample adds.
   */
  private static long scanOnly() throws IOException {
    ConnectionTableBuilder builder = new ConnectionTableBuilder(null, Set.of());
    ProcNetTcpParser parser = new ProcNetTcpParser();
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        parser.parse(in, builder);
      }
    }
    return builder.build().timeWait();
  }

  private static long readRaw(byte[] buffer) throws IOException {
    long total = 0;
    for (String file : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      try (InputStream in = Files.newInputStream(Path.of(file))) {
        int read;
        while ((read = in.read(buffer)) > 0) {
          total += read;
        }
      }
    }
    return total;
  }

  private static long oshiTimeWait(InternetProtocolStats oshi) {
    long timeWait = 0;
    for (InternetProtocolStats.IPConnection connection : oshi.getConnections()) {
      if (connection.getState() == InternetProtocolStats.TcpState.TIME_WAIT) {
        timeWait++;
      }
    }
    return timeWait;
  }

  private static void print(
      Map<String, List<Measurement>> results, double windowSeconds, Long timeWaitAfter) {
    System.out.printf(
        Locale.ROOT,
        "%n%-26s %10s %10s %10s %14s %12s%n",
        "task",
        "median ms",
        "min ms",
        "max ms",
        "alloc/call",
        "check");
    Map<String, Double> medians = new LinkedHashMap<>();
    results.forEach(
        (name, measurements) -> {
          double median = median(measurements.stream().mapToLong(Measurement::nanos).toArray());
          medians.put(name, median);
          System.out.printf(
              Locale.ROOT,
              "%-26s %10.2f %10.2f %10.2f %14s %12d%n",
              name,
              median / 1e6,
              measurements.stream().mapToLong(Measurement::nanos).min().orElse(0) / 1e6,
              measurements.stream().mapToLong(Measurement::nanos).max().orElse(0) / 1e6,
              bytes(median(measurements.stream().mapToLong(Measurement::allocatedBytes).toArray())),
              measurements.get(measurements.size() - 1).check());
        });
    double table = medians.get("linux table sample");
    System.out.printf(
        Locale.ROOT,
        "%nlinux table sample / cat:          %.2fx%n"
            + "linux table sample / JVM raw read: %.2fx%n"
            + "OSHI getConnections() / cat:       %.2fx%n"
            + "measured in %.1f s after the sockets were made; sockstat tw at the end %d%n",
        table / medians.get("cat tcp tcp6 >/dev/null"),
        table / medians.get("JVM read raw bytes"),
        medians.get("OSHI getConnections()") / medians.get("cat tcp tcp6 >/dev/null"),
        windowSeconds,
        timeWaitAfter);
    // the host is shared: a ratio within one round, where both ran seconds apart, drifts less
    System.out.printf(
        Locale.ROOT,
        "per-round ratios, median: table/cat %.2fx, table/raw read %.2fx, OSHI/cat %.2fx%n",
        pairedRatio(results, "linux table sample", "cat tcp tcp6 >/dev/null"),
        pairedRatio(results, "linux table sample", "JVM read raw bytes"),
        pairedRatio(results, "OSHI getConnections()", "cat tcp tcp6 >/dev/null"));
    double cat = medians.get("cat tcp tcp6 >/dev/null");
    double ratio = pairedRatio(results, "linux table sample", "cat tcp tcp6 >/dev/null");
    String n = ResultLine.format("%d TIME_WAIT", timeWaitAfter == null ? -1 : timeWaitAfter);
    ResultLine.print(
        "host table sample, " + n + ": linux reader vs cat",
        ResultLine.format("cat %.1f ms", cat / 1e6),
        ResultLine.format("reader %.1f ms", table / 1e6),
        ResultLine.format("%.2fx (median of per-round ratios)", ratio),
        "<= 1.2x cat",
        ResultLine.met(ratio <= 1.2));
    for (String other : new String[] {"ss -tan state time-wait", "OSHI getConnections()"}) {
      ResultLine.print(
          "host table sample: " + other + " vs cat",
          ResultLine.format("cat %.1f ms", cat / 1e6),
          ResultLine.format("%.1f ms", medians.get(other) / 1e6),
          ResultLine.format(
              "%.2fx (median of per-round ratios)",
              pairedRatio(results, other, "cat tcp tcp6 >/dev/null")),
          "(reference)",
          null);
    }
  }

  private static double pairedRatio(
      Map<String, List<Measurement>> results, String task, String baseline) {
    List<Measurement> a = results.get(task);
    List<Measurement> b = results.get(baseline);
    long[] permille = new long[a.size()];
    for (int i = 0; i < permille.length; i++) {
      permille[i] = Math.round(1000.0 * a.get(i).nanos() / b.get(i).nanos());
    }
    return median(permille) / 1000.0;
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static String bytes(double value) {
    if (value >= 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MB", value / (1024 * 1024));
    }
    return String.format(Locale.ROOT, "%.1f KB", value / 1024);
  }
}
