package dev.timewait.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maker's sockets, checked with both views of the kernel: /proc and ss. */
class LoopbackTimeWaitMakerTest {

  @Test
  void clientsThatCloseFirstHoldTimeWaitAndServersThatCloseFirstToo() throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs Linux /proc/net/tcp");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    try (LoopbackTimeWaitMaker client =
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("127.0.0.1"));
        LoopbackTimeWaitMaker server =
            LoopbackTimeWaitMaker.serverClosesFirst(InetAddress.getByName("::1"))) {
      List<Tuple> fromClient = client.connect(20, 2, null);
      List<Tuple> toServer = server.connect(10, 1, null);
      client.awaitClosed(20);
      server.awaitClosed(10);

      Set<Tuple> expected = new HashSet<>(fromClient);
      toServer.forEach(t -> expected.add(t.reversed()));
      LoopbackTimeWaitMaker.awaitTimeWait(expected);
      Set<Integer> ports = Set.of(client.port(), server.port());
      Set<Tuple> kernel = new HashSet<>();
      for (int i = 0; i < 3; i++) { // a read may skip a row while other sockets change
        kernel.addAll(KernelTcpTable.read().timeWait(ports));
      }
      guard.assumeTableHadRoom();

      assertEquals(20, new HashSet<>(fromClient).size());
      assertTrue(fromClient.stream().allMatch(t -> t.remotePort() == client.port()));
      assertTrue(toServer.stream().allMatch(t -> t.remoteIp().equals("::1")));
      assertEquals(expected, kernel, "the 4-tuples the maker returned, on the side that closed");
      if (SsTimeWait.available()) {
        assertEquals(kernel, SsTimeWait.tuples(ports), "ss agrees");
      }
    }
  }

  @Test
  void theGuardReadsTcpExtCounters(@TempDir Path dir) {
    Path netstat =
        HostTreeBuilder.in(dir)
            .tcpExt("TW", 7, "TWRecycled", 2, "TCPTimeWaitOverflow", 5)
            .build()
            .resolve("proc/net/netstat");

    assertEquals(5, TimeWaitOverflowGuard.tcpExt(netstat, "TCPTimeWaitOverflow"));
    assertEquals(2, TimeWaitOverflowGuard.tcpExt(netstat, "TWRecycled"));
    assertEquals(0, TimeWaitOverflowGuard.tcpExt(netstat, "NoSuchCounter"));
    assertEquals(0, TimeWaitOverflowGuard.tcpExt(dir.resolve("missing"), "TW"));
  }
}
