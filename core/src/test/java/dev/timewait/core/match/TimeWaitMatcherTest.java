package dev.timewait.core.match;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.snapshot.RecentClose;
import dev.timewait.core.snapshot.Role;
import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeWaitMatcherTest {

  private static RecentClose close(String local, String remote, String site) {
    return new RecentClose(
        SocketPair.parse(local, remote),
        Instant.parse("2026-11-24T15:00:00Z"),
        site,
        null,
        Role.CLIENT);
  }

  @Test
  void matchesAgentEndpointsInEveryNotation(@TempDir Path dir) {
    HostRoot root =
        HostRoot.of(
            HostTreeBuilder.in(dir)
                .sysctl("net.ipv4.ip_local_port_range", "32768 60999")
                .timeWait("10.0.0.1", 40000, "10.0.0.2", 8080)
                .timeWait("10.0.0.1", 40001, "10.0.0.2", 8080)
                .timeWait("::ffff:10.0.0.1", 40002, "::ffff:10.0.0.2", 8080)
                .timeWait("2001:db8::1", 40003, "2001:db8::2", 443)
                .timeWait("10.0.0.1", 40004, "10.0.0.3", 5432)
                .build());
    List<RecentClose> closes =
        Arrays.asList(
            close("10.0.0.1:40000", "10.0.0.2:8080", "A"),
            close("10.0.0.1:40000", "10.0.0.2:8080", "A"), // the same 4-tuple twice
            close("[::ffff:10.0.0.1]:40001", "[::ffff:10.0.0.2]:8080", "A"),
            close("10.0.0.1:40002", "10.0.0.2:8080", "A"),
            close("[2001:DB8:0:0:0:0:0:1]:40003", "[2001:db8::2]:443", "B"),
            close("10.0.0.1:49999", "10.0.0.2:8080", "B"), // gone from TIME_WAIT
            close("2001:db8::1:40003", "[2001:db8::2]:443", "B"), // ambiguous without brackets
            close("host.example:1", "10.0.0.2:8080", "B"), // a name, never resolved
            close(null, "10.0.0.2:8080", "B"),
            null);

    MatchResult result =
        new TimeWaitMatcher(new LinuxProcCollector(root))
            .match(closes, 7, Instant.parse("2026-11-24T15:00:01Z"));

    assertEquals(5, result.recentCloses());
    assertEquals(4, result.unreadableCloses());
    assertEquals(7, result.droppedCloses());
    assertEquals(4, result.confirmed());
    assertEquals(5, result.hostTimeWait());
    assertEquals(0.8, result.confirmedShare());
    assertEquals(0.8, result.ownedShareOfHost());
    assertEquals(
        List.of(
            new SiteOwnership("A", null, Role.CLIENT, 3, 3, 0.6),
            new SiteOwnership("B", null, Role.CLIENT, 2, 1, 0.2)),
        result.sites());
  }

  @Test
  void noClosesAndNoTimeWaitGiveUnknownShares(@TempDir Path dir) {
    HostSample sample = new LinuxProcCollector(HostRoot.of(dir)).sampleTable();

    MatchResult result = TimeWaitMatcher.match(List.of(), 0, null, sample);

    assertNull(result.confirmedShare());
    assertNull(result.ownedShareOfHost());
    assertNull(result.snapshotAge());
    assertEquals(List.of(), result.sites());
  }
}
