package dev.timewait.analyzer.live;

import dev.timewait.testing.KernelTcpTable;
import dev.timewait.testing.NetNamespace;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a namespace's kernel says, read without the analyzer: its TCP table through {@link
 * KernelTcpTable}, its counters through {@link NetNamespace#nstat()}, its conntrack table as the
 * kernel prints it.
 */
final class KernelTruth {

  private KernelTruth() {}

  /** The rows of {@code namespace}'s {@code /proc/net/tcp{,6}} in {@code state}. */
  static List<KernelTcpTable.Row> rows(NetNamespace namespace, int state) throws IOException {
    List<KernelTcpTable.Row> rows = new ArrayList<>();
    for (KernelTcpTable.Row row : KernelTcpTable.read(namespace.pid()).rows()) {
      if (row.state() == state) {
        rows.add(row);
      }
    }
    return rows;
  }

  /** {@code counter} grew by this much from {@code before} to {@code after}. */
  static long delta(Map<String, Long> before, Map<String, Long> after, String counter) {
    return after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L);
  }

  /** The lines of {@code namespace}'s {@code /proc/net/nf_conntrack}. */
  static List<String> conntrack(NetNamespace namespace) throws IOException, InterruptedException {
    List<String> lines = new ArrayList<>();
    for (String line : namespace.run("cat", "/proc/net/nf_conntrack").split("\n")) {
      if (!line.isBlank()) {
        lines.add(line);
      }
    }
    return lines;
  }

  /**
   * The conntrack table once no TCP entry is between states any more (up to 5 s): the last ACK of a
   * close may still be on its way when the client has finished.
   */
  static List<String> settledConntrack(NetNamespace namespace)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      List<String> lines = conntrack(namespace);
      boolean settled = true;
      for (String line : lines) {
        settled &= !line.contains(" tcp ") || line.contains(" TIME_WAIT ");
      }
      if (settled || System.nanoTime() > deadline) {
        return lines;
      }
      Thread.sleep(100);
    }
  }

  /** TCP conntrack entries by state, e.g. {@code {TIME_WAIT=297, CLOSE=3}}. */
  static Map<String, Integer> conntrackStates(List<String> lines) {
    Map<String, Integer> states = new TreeMap<>();
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      // ipv4 2 tcp 6 TIMEOUT STATE src=...
      if (words.length > 5 && words[2].equals("tcp")) {
        states.merge(words[5], 1, Integer::sum);
      }
    }
    return states;
  }

  /** One of {@code namespace}'s own sysctls, e.g. {@code net/ipv4/tcp_tw_reuse}. */
  static String sysctl(NetNamespace namespace, String key)
      throws IOException, InterruptedException {
    return namespace.run("cat", "/proc/sys/" + key).strip();
  }
}
