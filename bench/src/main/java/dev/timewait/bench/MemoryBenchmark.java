package dev.timewait.bench;

import dev.timewait.agent.internal.hook.Connection;
import dev.timewait.agent.internal.hook.OpenConnections;
import dev.timewait.agent.internal.record.CloseRecorder;
import dev.timewait.agent.internal.record.CodeSite;
import dev.timewait.agent.internal.record.SiteCounters;
import dev.timewait.core.snapshot.CloseKind;
import dev.timewait.core.snapshot.Role;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Retained heap of the agent's tables after one million closes over 10,000 sites and 100,000 remote
 * endpoints, with the default caps, and whether the caps and overflow counts hold.
 *
 * <p>Runs the real {@link CloseRecorder} (with its recent-close ring) and {@link OpenConnections}
 * in this JVM. Sites are made the way {@link SiteResolver} makes them (a frame and eight formatted
 * frames below it, interned, at most {@code 4 * maxSites} frames, then {@link CodeSite#OTHER}),
 * since 10,000 distinct real stack frames would need 10,000 generated methods. Every close gets new
 * address objects, as accepted connections do: the worst case for what the ring keeps.
 */
public final class MemoryBenchmark {
  private static final int CLOSES = 1_000_000;
  private static final int SITES = 10_000;
  private static final int ENDPOINTS = 100_000;
  private static final int MAX_SITES = 1000;
  private static final int MAX_ENDPOINTS = 1000;
  private static final int RECENT = 131072;
  private static final int STACK_DEPTH = 8;

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long before = usedAfterGc(memory);

    CloseRecorder recorder = new CloseRecorder(MAX_SITES, MAX_ENDPOINTS, RECENT);
    Map<Integer, CodeSite> frames =
        new java.util.concurrent.ConcurrentHashMap<>(); // the resolver's interned frames
    OpenConnections table = new OpenConnections();
    int maxFrames = 4 * MAX_SITES;

    Set<List<Object>> expectedRows = new HashSet<>();
    Set<String> expectedEndpoints = new HashSet<>();
    long expectedSiteOverflow = 0;
    long expectedEndpointOverflow = 0;
    long active = 0;

    long start = System.currentTimeMillis();
    for (int k = 0; k < CLOSES; k++) {
      int site = (int) ((k * 7919L) % SITES);
      int endpoint = (int) ((k * 104729L) % ENDPOINTS);
      Role role = k % 5 == 0 ? Role.SERVER : Role.CLIENT;
      CloseKind kind =
          k % 20 == 0 ? CloseKind.ABORTIVE : k % 4 == 1 ? CloseKind.PASSIVE : CloseKind.ACTIVE;
      CodeSite close = frame(frames, maxFrames, site);
      CodeSite open = frame(frames, maxFrames, SITES + site % 100);
      InetAddress address =
          InetAddress.getByAddress(
              new byte[] {10, (byte) (endpoint / 100 / 256), (byte) (endpoint / 100), 1});
      InetSocketAddress remote = new InetSocketAddress(address, 1024 + endpoint % 100);
      InetSocketAddress local =
          new InetSocketAddress(
              InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 32768 + k % 28000);
      int fd = 100 + k % 64;
      table.put(fd, new Connection(fd, role, open, remote, true, false, 1));
      table.remove(fd);
      // one close every 0.6 ms: 100,000 closes in the 60 s window of the recent-close ring
      recorder.record(close, open, role, kind, local, remote, start + k * 6L / 10);

      List<Object> row = List.of(close, open, role);
      if (!expectedRows.contains(row)) {
        if (expectedRows.size() >= MAX_SITES) {
          expectedSiteOverflow++;
        } else {
          expectedRows.add(row);
        }
      }
      String peer = address.getHostAddress() + ":" + (role == Role.SERVER ? 0 : remote.getPort());
      if (!expectedEndpoints.contains(peer)) {
        if (expectedEndpoints.size() >= MAX_ENDPOINTS) {
          expectedEndpointOverflow++;
        } else {
          expectedEndpoints.add(peer);
        }
      }
      if (kind == CloseKind.ACTIVE) {
        active++;
      }
    }
    expectedRows = null;
    expectedEndpoints = null;
    long after = usedAfterGc(memory);
    double retainedMb = (after - before) / (1024.0 * 1024.0);

    int rows = recorder.sites().size();
    int endpoints = recorder.endpoints().size();
    long counted = 0;
    for (SiteCounters s : recorder.sites()) {
      counted +=
          s.count(CloseKind.ACTIVE) + s.count(CloseKind.PASSIVE) + s.count(CloseKind.ABORTIVE);
    }
    int maxPerSite = 0;
    for (SiteCounters s : recorder.sites()) {
      maxPerSite = Math.max(maxPerSite, s.activeByEndpoint.size());
    }
    boolean capsHold =
        rows <= MAX_SITES + Role.values().length
            && endpoints <= MAX_ENDPOINTS + 1
            && frames.size() <= maxFrames
            && maxPerSite <= SiteCounters.MAX_ENDPOINTS_PER_SITE
            && recorder.siteOverflow() == expectedSiteOverflow
            && recorder.endpointOverflow() == expectedEndpointOverflow
            && recorder.recentOverflow() == 0
            && counted == CLOSES
            && recorder.total(CloseKind.ACTIVE) == active;
    System.out.printf(
        Locale.ROOT,
        "%d closes: %d site rows (cap %d), %d endpoint rows (cap %d), %d interned frames (cap %d),"
            + " at most %d endpoints per row; site overflow %d (expected %d), endpoint overflow %d"
            + " (expected %d), recent-close overflow %d, closes in rows %d, active %d (expected %d)%n",
        CLOSES,
        rows,
        MAX_SITES,
        endpoints,
        MAX_ENDPOINTS,
        frames.size(),
        maxFrames,
        maxPerSite,
        recorder.siteOverflow(),
        expectedSiteOverflow,
        recorder.endpointOverflow(),
        expectedEndpointOverflow,
        recorder.recentOverflow(),
        counted,
        recorder.total(CloseKind.ACTIVE),
        active);
    dev.timewait.bench.ResultLine.print(
        "memory: retained heap after 1M closes, 10k sites, 100k endpoints",
        String.format(Locale.ROOT, "%.1f MB before", before / (1024.0 * 1024.0)),
        String.format(Locale.ROOT, "%.1f MB after", after / (1024.0 * 1024.0)),
        String.format(Locale.ROOT, "+%.1f MB; caps %s", retainedMb, capsHold ? "hold" : "BROKEN"),
        "<= 16 MB, caps hold",
        retainedMb <= 16 && capsHold ? "yes" : "NO");
    // keep everything measured reachable until after the measurement
    if (recorder.total(Role.CLIENT, CloseKind.ACTIVE) < 0 || table.size() < 0) {
      System.out.println(frames.size());
    }
  }

  private static CodeSite frame(Map<Integer, CodeSite> frames, int maxFrames, int id) {
    CodeSite site = frames.get(id);
    if (site != null) {
      return site;
    }
    if (frames.size() >= maxFrames) {
      return CodeSite.OTHER;
    }
    List<String> stack = new ArrayList<>(STACK_DEPTH);
    for (int depth = 0; depth < STACK_DEPTH; depth++) {
      stack.add(
          "com.example.service.module"
              + (id % 50)
              + ".Component"
              + id
              + ".method"
              + depth
              + "(Component"
              + id
              + ".java:"
              + (100 + depth)
              + ")");
    }
    site = new CodeSite(stack.get(0), List.copyOf(stack));
    frames.put(id, site);
    return site;
  }

  private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
