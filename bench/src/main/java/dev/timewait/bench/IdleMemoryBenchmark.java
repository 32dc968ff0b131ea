package dev.timewait.bench;

import dev.timewait.testing.ChildJvm;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.List;

/**
 * What an idle JVM that opened one connection keeps with the agent: heap used after full
 * collections, and metaspace used, in a child JVM without (A) and with (B) the agent at default
 * options, alternating, medians of the per-round differences. The child waits past {@code
 * jmxDelay}, the first host sample and the first Findings run before it measures. For reference,
 * the same for a JVM without the agent that only creates the platform MBean server, which the agent
 * creates for its MBeans where the application has not (most servers have).
 *
 * <p>{@code run AGENT_JAR [rounds [seconds idle]]}; {@code child SECONDS [jmx]} is the child.
 */
public final class IdleMemoryBenchmark {
  private IdleMemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("child")) {
      child(Double.parseDouble(args[1]), args.length > 2);
      return;
    }
    String agent = args[1];
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String idle = args.length > 3 ? args[3] : "6";
    double[][] heap = new double[3][rounds];
    double[][] meta = new double[3][rounds];
    for (int round = 0; round < rounds; round++) {
      for (int k = 0; k < 3; k++) {
        int v = (round + k) % 3;
        List<String> options = v == 1 ? List.of("-javaagent:" + agent) : List.of();
        List<String> childArgs = v == 2 ? List.of("child", idle, "jmx") : List.of("child", idle);
        try (ChildJvm child =
            ChildJvm.builder()
                .jvmArgs(options)
                .mainClass(IdleMemoryBenchmark.class)
                .args(childArgs)
                .inheritStderr()
                .start()) {
          heap[v][round] = Double.parseDouble(child.awaitValue("heap")) / (1 << 20);
          meta[v][round] = Double.parseDouble(child.awaitValue("metaspace")) / (1 << 20);
          child.waitFor(120);
        }
      }
      System.out.println(
          ResultLine.format(
              "round %d: heap %.2f / %.2f MB (platform MBean server alone %.2f), metaspace %.2f"
                  + " / %.2f MB (%.2f)",
              round + 1,
              heap[0][round],
              heap[1][round],
              heap[2][round],
              meta[0][round],
              meta[1][round],
              meta[2][round]));
    }
    double heapAdded = StartupBenchmark.medianDifference(heap[1], heap[0]);
    double metaAdded = StartupBenchmark.medianDifference(meta[1], meta[0]);
    ResultLine.print(
        "idle JVM after one connection: heap retained after a full GC",
        ResultLine.format("%.2f MB", ResultLine.median(heap[0])),
        ResultLine.format("%.2f MB", ResultLine.median(heap[1])),
        ResultLine.format("%+.2f MB", heapAdded),
        "<= +2 MB",
        ResultLine.met(heapAdded <= 2));
    ResultLine.print(
        "idle JVM after one connection: metaspace used",
        ResultLine.format("%.2f MB", ResultLine.median(meta[0])),
        ResultLine.format("%.2f MB", ResultLine.median(meta[1])),
        ResultLine.format("%+.2f MB", metaAdded),
        "<= +4 MB",
        ResultLine.met(metaAdded <= 4));
    ResultLine.print(
        "idle JVM: the platform MBean server alone, no agent (heap; metaspace)",
        ResultLine.format(
            "%.2f MB; %.2f MB", ResultLine.median(heap[0]), ResultLine.median(meta[0])),
        ResultLine.format(
            "%.2f MB; %.2f MB", ResultLine.median(heap[2]), ResultLine.median(meta[2])),
        ResultLine.format(
            "%+.2f MB; %+.2f MB (of the agent's figures above)",
            StartupBenchmark.medianDifference(heap[2], heap[0]),
            StartupBenchmark.medianDifference(meta[2], meta[0])),
        "(reference)",
        null);
  }

  private static void child(double seconds, boolean platformMBeanServer) throws Exception {
    if (platformMBeanServer) {
      ManagementFactory.getPlatformMBeanServer();
    }
    Hello.oneConnection();
    Thread.sleep((long) (seconds * 1000));
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long metaspace = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed();
      }
    }
    System.out.println("heap " + heap);
    System.out.println("metaspace " + metaspace);
  }
}
