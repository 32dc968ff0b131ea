package dev.timewait.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.Tuples;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.snapshot.Role;
import dev.timewait.core.snapshot.Snapshot;
import dev.timewait.core.snapshot.SnapshotReader;
import dev.timewait.testing.ChildJvm;
import dev.timewait.testing.LoopbackTimeWaitMaker;
import dev.timewait.testing.SsTimeWait;
import dev.timewait.testing.TimeWaitOverflowGuard;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Matching on real kernel data: a child JVM ({@link SnapshotWritingClient}) makes and actively
 * closes loopback connections and writes a snapshot with their 4-tuples; this JVM matches it with
 * the live {@code /proc/net/tcp}. The agent-based variant, {@code TimeWaitMatcherAgentTest}, starts
 * the child with {@code -javaagent} and lets the agent write the snapshot instead.
 */
class TimeWaitMatcherChildJvmTest {

  private static final int FROM_A = 120;
  private static final int FROM_B = 30;

  @Test
  void sitesOwnTheTimeWaitSocketsTheirClosesLeft(@TempDir Path dir) throws Exception {
    assumeTrue(
        System.getProperty("os.name").startsWith("Linux") && Files.exists(Path.of("/proc/net/tcp")),
        "needs Linux /proc/net/tcp");
    Path snapshotFile = dir.resolve("snapshot.json");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    try (LoopbackTimeWaitMaker serverA =
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("127.0.0.1"));
        LoopbackTimeWaitMaker serverB =
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("::1"))) {
      try (ChildJvm child =
          ChildJvm.builder()
              .mainClass(SnapshotWritingClient.class)
              .inheritClassPath()
              .args(
                  "127.0.0.1",
                  String.valueOf(serverA.port()),
                  String.valueOf(FROM_A),
                  "::1",
                  String.valueOf(serverB.port()),
                  String.valueOf(FROM_B),
                  snapshotFile.toString())
              .start()) {
        child.finish(60);
      }
      serverA.awaitClosed(FROM_A + 1);
      serverB.awaitClosed(FROM_B);

      Snapshot snapshot = new SnapshotReader().read(snapshotFile);
      TimeWaitMatcher matcher = new TimeWaitMatcher(new LinuxProcCollector());
      MatchResult result = matcher.match(snapshot);
      for (int i = 0; i < 40 && result.confirmed() < FROM_A + FROM_B; i++) {
        Thread.sleep(50); // on a busy host the last FIN can take a moment to arrive
        result = matcher.match(snapshot);
      }

      guard.assumeTableHadRoom();
      // The kernel's own view, read independently (ss, netlink; the union of three reads, since a
      // dump may skip a row while other sockets change).
      Set<SocketPair> kernel = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        kernel.addAll(Tuples.pairs(SsTimeWait.tuples(Set.of(serverA.port(), serverB.port()))));
      }
      long kernelA = kernel.stream().filter(p -> p.remotePort() == serverA.port()).count();
      long kernelB = kernel.size() - kernelA;
      assertTrue(kernel.size() >= FROM_A + FROM_B - 3, "the kernel holds " + kernel.size());
      assertEquals(FROM_A + FROM_B + 1, result.recentCloses());
      assertEquals(kernel.size(), result.confirmed(), "all the kernel holds: not the reset one");
      assertEquals(0, result.unreadableCloses());
      assertTrue(result.hostTimeWait() >= FROM_A + FROM_B);
      List<SiteOwnership> sites = result.sites();
      assertEquals(2, sites.size());
      SiteOwnership a = sites.get(0);
      assertEquals(SnapshotWritingClient.SITE_A, a.site());
      assertEquals(SnapshotWritingClient.OPEN_SITE, a.openSite());
      assertEquals(Role.CLIENT, a.role());
      assertEquals(FROM_A + 1, a.recentCloses());
      assertEquals(kernelA, a.timeWait());
      assertEquals((double) kernelA / result.hostTimeWait(), a.shareOfHostTimeWait());
      assertEquals(SnapshotWritingClient.SITE_B, sites.get(1).site());
      assertEquals(kernelB, sites.get(1).timeWait());
      // the kernel's own grouping agrees: every TIME_WAIT towards A's server is site A's
      ClientTimeWaitGroup towardsA =
          result.sample().table().clientGroups().stream()
              .filter(g -> g.remotePort() == serverA.port())
              .findFirst()
              .orElseThrow();
      assertEquals(a.timeWait(), towardsA.timeWait());
      assertTrue(result.snapshotAge().toSeconds() < 60);
    }
  }
}
