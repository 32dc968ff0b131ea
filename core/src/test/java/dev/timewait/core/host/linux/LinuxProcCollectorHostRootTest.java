package dev.timewait.core.host.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.ClientTimeWaitGroup;
import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.KernelSettings;
import dev.timewait.core.host.NatSignals;
import dev.timewait.core.host.PortRange;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.SysctlFileEntry;
import dev.timewait.core.host.TcpCounters;
import dev.timewait.core.host.TcpState;
import dev.timewait.testing.HostTreeBuilder;
import dev.timewait.testing.KernelTcpTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The collector on trees captured from, or built like, another host. */
class LinuxProcCollectorHostRootTest {

  private final HostSample captured =
      new LinuxProcCollector(HostRoot.of(Fixtures.path(Fixtures.LINUX_TREE))).sampleTable();

  @Test
  void readsKernelAndSettingsFromTheCapturedTree() {
    assertEquals("linux-proc", captured.collector());
    assertEquals("6.18.44-fc-v669", captured.os().kernelRelease());
    assertEquals("Debian GNU/Linux 12 (bookworm)", captured.os().description());

    KernelSettings settings = captured.settings();
    assertEquals(2, settings.tcpTwReuse());
    assertEquals(1000L, settings.tcpTwReuseDelayMs());
    assertNull(settings.tcpTwRecycle(), "removed in 4.12");
    assertEquals(1, settings.tcpTimestamps());
    assertEquals(60L, settings.tcpFinTimeoutSeconds());
    assertEquals(131072L, settings.tcpMaxTwBuckets());
    assertEquals(new PortRange(32768, 60999, 0), settings.ipLocalPortRange());
    assertEquals(28232, settings.ipLocalPortRange().usable());
    assertEquals("", settings.ipLocalReservedPorts());
    assertEquals(0, settings.ipForward());
    assertEquals(120L, settings.nfConntrackTcpTimeoutTimeWaitSeconds());
  }

  @Test
  void listsSysctlFilesInTheOrderTheyApply() {
    List<SysctlFileEntry> files = captured.sysctlFiles();

    assertEquals(
        new SysctlFileEntry("net.ipv4.tcp_tw_recycle", "1", "/etc/sysctl.d/60-timewait.conf", 2),
        files.get(0));
    assertEquals(
        new SysctlFileEntry("net.ipv4.tcp_tw_reuse", "1", "/etc/sysctl.d/60-timewait.conf", 5),
        files.get(2));
    assertEquals(
        new SysctlFileEntry("net.ipv4.tcp_max_tw_buckets", "5000", "/etc/sysctl.conf", 4),
        files.get(files.size() - 1));
    assertEquals(6, files.size());
  }

  @Test
  void readsCounters() {
    TcpCounters counters = captured.counters();

    assertEquals(15L, counters.sockstatTw());
    assertEquals(25L, counters.twEntered());
    assertEquals(0L, counters.twRecycled());
    assertNull(counters.pawsPassive());
    assertEquals(0L, counters.pawsTimewait());
    assertEquals(0L, counters.timeWaitOverflow());
    assertEquals(51L, counters.activeOpens());
    assertEquals(18L, counters.passiveOpens());
    assertEquals(0L, counters.conntrackInsertFailed());
  }

  @Test
  void groupsTimeWaitIntoClientAndServerSides() {
    ConnectionTable table = captured.table();

    assertEquals(14, table.timeWait());
    assertEquals(
        Map.of(
            TcpState.LISTEN, 6L,
            TcpState.ESTABLISHED, 2L,
            TcpState.FIN_WAIT2, 1L,
            TcpState.CLOSE_WAIT, 1L,
            TcpState.TIME_WAIT, 14L),
        table.states());
    assertEquals(
        List.of(
            new ClientTimeWaitGroup("127.0.0.1", "127.0.0.1", 44175, 5, 5, 28232, 0L, 5L, 820L),
            new ClientTimeWaitGroup("::1", "::1", 34897, 4, 4, 28232, 0L, 4L, 420L)),
        table.clientGroups());
    assertEquals(
        List.of(new ServerTimeWaitGroup(33841, 3, 1), new ServerTimeWaitGroup(43207, 2, 1)),
        table.serverGroups());
    assertEquals(9, table.clientTimeWait());
    assertEquals(5, table.serverTimeWait());
    assertEquals(5.0 / 28232, table.clientGroups().get(0).shareOfUsablePorts());
    assertEquals(0, table.malformedLines());
  }

  @Test
  void spreadsRemainingTimeInTenSecondBuckets() {
    // all sockets were made within a second, 59 s before the capture ended
    assertEquals(List.of(0L, 0L, 0L, 0L, 0L, 14L, 0L), captured.table().remaining().counts());
  }

  @Test
  void findsWatchedTuplesInTimeWait() {
    SocketPair client = new SocketPair("127.0.0.1", 46016, "127.0.0.1", 44175);
    SocketPair server = new SocketPair("::1", 43207, "::1", 53948);
    SocketPair gone = new SocketPair("127.0.0.1", 46017, "127.0.0.1", 44175);
    SocketPair established = new SocketPair("127.0.0.1", 49260, "127.0.0.1", 34615);

    HostSample sample =
        new LinuxProcCollector(HostRoot.of(Fixtures.path(Fixtures.LINUX_TREE)))
            .sampleTable(Set.of(client, server, gone, established));

    assertEquals(Set.of(client, server), sample.table().watchedInTimeWait());
    assertEquals(Set.of(established), sample.table().watchedHeld(), "held in another state");
    assertTrue(sample.table().holds(client) && sample.table().holds(established));
    assertFalse(sample.table().holds(gone), "a watched 4-tuple the kernel no longer has");
    assertTrue(sample.table().complete());
  }

  @Test
  void aTableWithAnUnreadableFileIsNotWhole(@TempDir Path dir) throws Exception {
    SocketPair closing = new SocketPair(HostTreeBuilder.LOCAL, 40001, "10.1.1.1", 443);
    HostTreeBuilder tree =
        HostTreeBuilder.healthy(dir)
            .socket(KernelTcpTable.FIN_WAIT2, HostTreeBuilder.LOCAL, 40001, "10.1.1.1", 443);
    HostSample whole =
        new LinuxProcCollector(HostRoot.of(tree.build())).sampleTable(Set.of(closing));
    assertTrue(whole.table().complete());
    assertTrue(whole.table().holds(closing), "FIN_WAIT2, on its way to TIME_WAIT");

    // a tcp file that cannot be read (a directory in its place)
    HostRoot broken = HostRoot.of(tree.build());
    Path tcp = dir.resolve("proc/net/tcp");
    assertTrue(Files.deleteIfExists(tcp));
    Files.createDirectories(tcp);
    HostSample part = new LinuxProcCollector(broken).sampleTable(Set.of(closing));
    assertFalse(part.table().complete(), part.unavailable().toString());
  }

  @Test
  void detectsNatSignals() {
    NatSignals nat = captured.nat();

    assertEquals(Boolean.TRUE, nat.conntrackPresent());
    assertEquals(Boolean.FALSE, nat.ipForward());
    assertEquals(List.of(), nat.natInterfaces());
    assertEquals(List.of("fd00::2"), nat.privateAddresses());
    assertTrue(nat.hostBehindNat());
  }

  @Test
  void countersOnlySampleHasNoTable() {
    HostSample sample =
        new LinuxProcCollector(HostRoot.of(Fixtures.path(Fixtures.LINUX_TREE))).sampleCounters();

    assertNull(sample.table());
    assertEquals(15L, sample.timeWaitNow());
    assertEquals(captured.settings(), sample.settings());
  }

  @Test
  void capturedTreesGetTheProcReader(@TempDir Path dir) {
    assertTrue(
        HostCollector.forRoot(HostRoot.of(Fixtures.path(Fixtures.LINUX_TREE)))
            instanceof LinuxProcCollector);
    assertTrue(HostCollector.forRoot(HostRoot.of(dir)) instanceof LinuxProcCollector);
  }

  @Test
  void emptyTreeGivesUnknownsAndSaysWhy(@TempDir Path dir) {
    HostSample sample = new LinuxProcCollector(HostRoot.of(dir)).sampleTable();

    assertNull(sample.os().kernelRelease());
    assertEquals(KernelSettings.unknown(), sample.settings());
    assertEquals(TcpCounters.unknown(), sample.counters());
    assertEquals(0, sample.table().timeWait());
    assertNull(sample.nat().conntrackPresent());
    assertTrue(
        sample.unavailable().contains("connection table: /proc/net/tcp not found under " + dir),
        sample.unavailable().toString());
    assertTrue(sample.unavailable().size() >= 6, sample.unavailable().toString());
  }

  @Test
  void garbageTreeIsReadAsFarAsItGoesAndSaysWhatIsMissing(@TempDir Path dir) throws Exception {
    java.nio.file.Files.createDirectories(dir.resolve("proc/net/tcp6")); // a folder, unreadable
    java.nio.file.Files.createDirectories(dir.resolve("proc/sys/net/ipv4"));
    java.nio.file.Files.writeString(
        dir.resolve("proc/net/tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
            + "   0: 0100007F:1F90 0100007F:C350 06 00000000:00000000 03:000017A2 00000000     0\n"
            + "   1: 0100007F:1F\n"
            + "   2: ZZZZZZZZ:QQQQ 0100007F:C350 99 garbage\n"
            + "\u0000\u00ff not a row\n");
    java.nio.file.Files.writeString(dir.resolve("proc/net/sockstat"), "TCP: inuse x tw\n");
    java.nio.file.Files.writeString(dir.resolve("proc/net/netstat"), "TcpExt: TW\nTcpExt:\n");
    java.nio.file.Files.writeString(
        dir.resolve("proc/sys/net/ipv4/ip_local_port_range"), "\u0000lots\n");

    HostSample sample = new LinuxProcCollector(HostRoot.of(dir)).sampleTable();

    assertEquals(1, sample.table().timeWait(), "the one whole row");
    assertNull(sample.settings().ipLocalPortRange());
    String unavailable = sample.unavailable().toString();
    assertTrue(unavailable.contains("/proc/net/tcp6 unreadable"), unavailable);
    assertTrue(unavailable.contains("ip_local_port_range is not two port numbers"), unavailable);
  }

  @Test
  void builtTreeWithServerSideTimeWaitBehindNat(@TempDir Path dir) {
    HostRoot root =
        HostRoot.of(
            HostTreeBuilder.in(dir)
                .kernel("4.9.0-13-amd64")
                .sysctl("net.ipv4.tcp_tw_recycle", "1")
                .sysctl("net.ipv4.ip_local_port_range", "32768 32777")
                .sysctl("net.ipv4.ip_local_reserved_ports", "32770-32771")
                .sysctl("net.ipv4.ip_forward", "1")
                .sysctl("net.netfilter.nf_conntrack_count", "900")
                .sysctl("net.netfilter.nf_conntrack_max", "1000")
                .tcpExt("TW", 7, "PAWSPassive", 3)
                .interfaces("lo", "eth0", "docker0", "veth12ab")
                .file("/proc/net/fib_trie", "Local:\n  |-- 100.64.1.2\n     /32 host LOCAL\n")
                .listen(8080)
                .timeWait("100.64.1.2", 8080, "10.9.9.9", 51000)
                .timeWait("100.64.1.2", 8080, "10.9.9.9", 51001)
                .timeWait("100.64.1.2", 32768, "10.1.1.1", 443)
                .timeWait("100.64.1.2", 32769, "10.1.1.1", 443)
                .socket(TcpState.ESTABLISHED.code(), "100.64.1.2", 32772, "10.1.1.1", 443)
                .timeWait("2001:db8::1", 32773, "2001:db8::2", 443)
                .build());

    HostSample sample = new LinuxProcCollector(root).sampleTable();

    assertEquals(1, sample.settings().tcpTwRecycle());
    assertEquals(8, sample.settings().ipLocalPortRange().usable());
    assertEquals(3L, sample.counters().pawsPassive());
    assertEquals(List.of(new ServerTimeWaitGroup(8080, 2, 1)), sample.table().serverGroups());
    assertEquals(
        List.of(
            new ClientTimeWaitGroup("100.64.1.2", "10.1.1.1", 443, 2, 3, 8, 0L, 2L, 0L),
            new ClientTimeWaitGroup("2001:db8::1", "2001:db8::2", 443, 1, 1, 8, 0L, 1L, 0L)),
        sample.table().clientGroups());
    NatSignals nat = sample.nat();
    assertEquals(0.9, nat.conntrackFill());
    assertEquals(List.of("docker0", "veth12ab"), nat.natInterfaces());
    assertEquals(List.of("100.64.1.2"), nat.cgnatAddresses());
    assertTrue(nat.hostDoesNat());
    assertNotNull(sample.table().remaining());
  }

  @Test
  void aReadThatChasesAChurnStops() {
    // sockstat counted 20 sockets before the read; each 1,024 rows take half a second
    long[] now = {0};
    LinuxProcCollector.ReadBudget budget =
        new LinuxProcCollector.ReadBudget(
            20,
            () -> {
              now[0] += 1;
              return now[0];
            });
    long allowed =
        (long) (20 * LinuxProcCollector.ROWS_OVER_SOCKSTAT) + LinuxProcCollector.ROWS_SLACK;
    long read = 0;
    while (budget.take()) {
      read++;
      if (read % 1024 == 0) {
        now[0] += 500_000_000L;
      }
    }
    assertTrue(budget.spent());
    assertTrue(read > allowed, "past the rows sockstat allows, but not yet a second: " + read);
    assertTrue(read <= 3 * 1024, "stopped once past a second with too many rows: " + read);
  }

  @Test
  void aLongReadStopsWhateverSockstatSaid() {
    long[] now = {0};
    LinuxProcCollector.ReadBudget budget = new LinuxProcCollector.ReadBudget(-1, () -> now[0]);
    long read = 0;
    while (budget.take()) {
      read++;
      now[0] += 1_000_000L; // a millisecond a row
    }
    assertTrue(budget.spent());
    assertTrue(read >= 5_000 && read <= 5_000 + 1024, "about five seconds of rows: " + read);
  }

  @Test
  void aLargerTableMayTakeLonger() {
    // 300,000 sockets counted: 1.8 s allowed; each 1,024 rows take a tenth of a second
    long[] now = {0};
    LinuxProcCollector.ReadBudget budget = new LinuxProcCollector.ReadBudget(300_000, () -> now[0]);
    long read = 0;
    while (budget.take()) {
      read++;
      if (read % 1024 == 0) {
        now[0] += 100_000_000L;
      }
    }
    assertTrue(read >= 18 * 1024 && read <= 20 * 1024, "about 1.8 s of rows: " + read);
  }

  @Test
  void aQuickReadIsWholeWhateverSockstatSaid(@TempDir Path dir) {
    // a tree whose sockstat counts fewer sockets than its table: read at once, so read whole
    HostRoot root =
        HostRoot.of(
            HostTreeBuilder.healthy(dir)
                .sockstat(10, 10)
                .clientTimeWait(HostTreeBuilder.LOCAL, "10.1.1.1", 443, 3000)
                .build());

    HostSample sample = new LinuxProcCollector(root).sampleTable();

    assertTrue(sample.table().timeWait() >= 3000, "" + sample.table().timeWait());
    assertTrue(
        sample.unavailable().stream().noneMatch(line -> line.contains("read stopped")),
        sample.unavailable().toString());
  }
}
