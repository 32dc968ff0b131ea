package dev.timewait.core.owners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.HostRoot;
import dev.timewait.testing.HostTreeBuilder;
import dev.timewait.testing.KernelTcpTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owners on captured trees with {@code /proc/PID}: fd links, namespace tables, odd processes. */
class HostOwnershipTest {

  private static final long NS_A = 4026532001L;
  private static final long NS_B = 4026532002L;
  private static final String CONTAINER = "0123456789abcdef".repeat(4);

  @TempDir Path dir;

  /** Sysctls inside namespace A only; B's cannot be read, as without the right to enter it. */
  private final NamespaceSysctls sysctls =
      (pid, paths, unavailable) -> {
        if (pid == 100) {
          return Map.of(
              "/proc/sys/net/ipv4/tcp_tw_reuse", "1\n",
              "/proc/sys/net/ipv4/ip_local_port_range", "40000\t40999\n");
        }
        unavailable.add("sysctls of the network namespace of pid " + pid + ": unavailable (test)");
        return null;
      };

  /** Namespace A: a client with one connection open and 3 TIME_WAIT to its destination, 2 more. */
  private HostTreeBuilder namespaceA(boolean connectionOpen) {
    HostTreeBuilder a = HostTreeBuilder.in(dir).tablesIn("/proc/100/net");
    if (connectionOpen) {
      a.socket(KernelTcpTable.ESTABLISHED, "10.0.0.5", 40100, "10.0.0.9", 8080, 5001);
    }
    return a.timeWait("10.0.0.5", 40101, "10.0.0.9", 8080)
        .timeWait("10.0.0.5", 40102, "10.0.0.9", 8080)
        .timeWait("10.0.0.5", 40103, "10.0.0.9", 8080)
        .timeWait("10.0.0.5", 40104, "10.0.0.7", 5432)
        .timeWait("10.0.0.5", 40105, "10.0.0.7", 5433);
  }

  private void host() {
    namespaceA(true).process(100, "python3", "0::/user.slice\n", NS_A, 5001).build();
    HostTreeBuilder.in(dir)
        .tablesIn("/proc/200/net")
        .socket(KernelTcpTable.LISTEN, "0.0.0.0", 9090, "0.0.0.0", 0, 6001)
        .timeWait("10.1.0.2", 9090, "10.1.0.3", 50001)
        .timeWait("10.1.0.2", 9090, "10.1.0.3", 50002)
        .process(200, "java", "0::/system.slice/docker-" + CONTAINER + ".scope\n", NS_B, 6001)
        .build();
  }

  private static NamespaceOwners ns(List<NamespaceOwners> all, long netns) {
    return all.stream().filter(n -> n.netns() == netns).findFirst().orElseThrow();
  }

  private static long sum(NamespaceOwners ns) {
    return ns.owners().stream().mapToLong(Owner::timeWait).sum();
  }

  @Test
  void eachNamespaceIsReadThroughItsOwnProcessAndItsOwnersAddUp() {
    host();
    HostOwnership ownership = new HostOwnership(HostRoot.of(dir), true, sysctls);
    List<NamespaceOwners> all = ownership.owners(List.of());

    assertEquals(List.of(NS_A, NS_B), all.stream().map(NamespaceOwners::netns).toList());
    NamespaceOwners a = ns(all, NS_A);
    assertEquals(100, a.readThroughPid());
    assertEquals(5, a.timeWait());
    assertEquals(5, a.sample().table().timeWait());
    assertEquals(5, sum(a));
    Owner client = a.owners().get(0);
    assertEquals(OwnerKind.PROCESS, client.kind());
    assertEquals(100L, client.pid());
    assertEquals("python3", client.name());
    assertEquals(3, client.timeWait());
    assertEquals(0.6, client.share(), 1e-9);
    assertFalse(client.exact());
    assertEquals(NS_A, client.netns());
    assertEquals("holds a socket to 10.0.0.9:8080 from 10.0.0.5 (now)", client.evidence());
    Owner unknown = a.owners().get(1);
    assertEquals(OwnerKind.UNKNOWN, unknown.kind());
    assertEquals(2, unknown.timeWait());
    assertTrue(unknown.evidence().endsWith("; and 1 more destination"), unknown.evidence());
    assertEquals(1, a.sample().settings().tcpTwReuse());
    assertEquals(40000, a.sample().settings().ipLocalPortRange().low());

    NamespaceOwners b = ns(all, NS_B);
    assertEquals(1, b.owners().size());
    Owner server = b.owners().get(0);
    assertEquals(200L, server.pid());
    assertEquals(2, server.timeWait());
    assertTrue(server.evidence().startsWith("listens on port 9090 (now)"), server.evidence());
    assertEquals(List.of(CONTAINER), b.containerIds());
    assertNull(b.sample().settings().tcpTwReuse());
    assertTrue(
        ownership
            .unavailable()
            .contains("sysctls of the network namespace of pid 200: unavailable (test)"),
        ownership.unavailable().toString());
  }

  @Test
  void aClientSeenAtAnEarlierSampleStillOwnsItsTimeWaitSockets() {
    host();
    HostOwnership ownership = new HostOwnership(HostRoot.of(dir), true, sysctls);
    ownership.sample();
    namespaceA(false).build(); // the connection closed: now only its TIME_WAIT sockets are left

    NamespaceOwners a = ns(ownership.owners(List.of()), NS_A);

    assertEquals(5, a.timeWait());
    assertEquals(5, sum(a));
    Owner client = a.owners().get(0);
    assertEquals(100L, client.pid());
    assertEquals(3, client.timeWait());
    assertTrue(
        client.evidence().startsWith("holds a socket to 10.0.0.9:8080 from 10.0.0.5 (at "),
        client.evidence());
  }

  @Test
  void aProcessThatExitsAndANamespaceThatDisappearsGiveOneLineEachAndTheRestIsRead()
      throws Exception {
    host();
    // pid 300 exited between the listing and the read: its fd folder is gone
    HostTreeBuilder.in(dir).file("/proc/300/comm", "sleep\n");
    Files.createDirectories(dir.resolve("proc/300/ns"));
    Files.createSymbolicLink(dir.resolve("proc/300/ns/net"), Path.of("net:[" + NS_A + "]"));
    // the only process of namespace C exited before its tables were read
    HostTreeBuilder.in(dir).process(400, "sleep", "", 4026532003L);
    HostOwnership ownership = new HostOwnership(HostRoot.of(dir), true, sysctls);

    List<NamespaceOwners> all = ownership.owners(List.of());

    assertEquals(List.of(NS_A, NS_B), all.stream().map(NamespaceOwners::netns).toList());
    List<String> lines = ownership.unavailable();
    assertTrue(lines.contains("process 300: exited while it was read; left out"), lines.toString());
    assertTrue(
        lines.contains(
            "network namespace 4026532003: every process in it exited before its tables were"
                + " read; left out"),
        lines.toString());
    assertEquals(5, sum(ns(all, NS_A)));
  }

  @Test
  void aNamespaceGoneDuringTheWindowIsNamedWithItsProcesses() throws Exception {
    host();
    HostTreeBuilder.in(dir).process(400, "sleep", "", 4026532003L);
    HostTreeBuilder.in(dir).tablesIn("/proc/400/net").listen(7000).build();
    HostOwnership ownership = new HostOwnership(HostRoot.of(dir), true, sysctls);
    ownership.sample();
    try (var files = Files.walk(dir.resolve("proc/400"))) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }

    List<NamespaceOwners> all = ownership.owners(List.of());

    assertEquals(List.of(NS_A, NS_B), all.stream().map(NamespaceOwners::netns).toList());
    assertTrue(
        ownership
            .unavailable()
            .contains(
                "network namespace 4026532003: gone during the window (its processes 400 sleep"
                    + " exited); left out"),
        ownership.unavailable().toString());
  }

  @Test
  void containerIdsAndCommandLinesAreReadAsTheRuntimesWriteThem() {
    assertEquals(
        CONTAINER,
        ProcessScan.containerId("0::/kubepods.slice/cri-containerd-" + CONTAINER + ".scope"));
    assertEquals(CONTAINER, ProcessScan.containerId("12:cpu:/docker/" + CONTAINER + "\n"));
    assertNull(ProcessScan.containerId("0::/user.slice/user-1000.slice"));
    assertEquals("python3 -c print(1)", ProcessScan.commandLine("python3\0-c\0print(1)\0"));
    assertNull(ProcessScan.commandLine(""));
    assertEquals(4026531840L, ProcessScan.netnsOf("net:[4026531840]"));
    assertNull(ProcessScan.netnsOf("mnt:[4026531840]"));
  }

  @Test
  void headOutputGivesEachFileIncludingAnEmptyOne() {
    String out =
        "==> /proc/sys/net/ipv4/tcp_tw_reuse <==\n2\n\n"
            + "==> /proc/sys/net/ipv4/ip_local_reserved_ports <==\n\n"
            + "==> /proc/sys/net/ipv4/ip_local_port_range <==\n32768\t60999\n";
    assertEquals(
        Map.of(
            "/proc/sys/net/ipv4/tcp_tw_reuse", "2\n",
            "/proc/sys/net/ipv4/ip_local_reserved_ports", "",
            "/proc/sys/net/ipv4/ip_local_port_range", "32768\t60999\n"),
        NsenterSysctls.parseHead(out));
  }
}
