package dev.timewait.core.host.oshi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.ServerTimeWaitGroup;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.Tuples;
import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.core.host.linux.LiveTimeWaitTest;
import dev.timewait.testing.LoopbackTimeWaitMaker;
import dev.timewait.testing.TimeWaitOverflowGuard;
import dev.timewait.testing.Tuple;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On Linux, both collectors see the same sockets; OSHI says what it cannot give. */
class OshiAgreesWithProcTest {

  @Test
  void bothCollectorsSeeTheSameTimeWaitSockets() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "compares with /proc on Linux");
    OshiHostCollector oshi = new OshiHostCollector();
    assumeTrue(oshi.sampleCounters().counters().activeOpens() != null, "OSHI did not start");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();

    try (LoopbackTimeWaitMaker client =
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("127.0.0.1"));
        LoopbackTimeWaitMaker v6 =
            LoopbackTimeWaitMaker.clientClosesFirst(InetAddress.getByName("::1"));
        LoopbackTimeWaitMaker server =
            LoopbackTimeWaitMaker.serverClosesFirst(InetAddress.getByName("127.0.0.1"))) {
      List<Tuple> clients = new ArrayList<>(client.connect(60, 2, null));
      clients.addAll(v6.connect(20, 1, null));
      server.connect(25, 1, null);
      client.awaitClosed(60);
      v6.awaitClosed(20);
      server.awaitClosed(25);
      Set<Tuple> held = LoopbackTimeWaitMaker.awaitTimeWait(clients);
      Set<SocketPair> made = Tuples.pairs(clients);

      long activeBefore = new LinuxProcCollector().sampleCounters().counters().activeOpens();
      HostSample fromOshi = oshi.sampleTable(made);
      HostSample fromProc = new LinuxProcCollector().sampleTable(made);
      // A read of the kernel's socket table is not atomic and may skip a row while other sockets
      // come and go: read both again until each sees what the kernel held (TIME_WAIT sockets stay
      // for 60 s).
      Set<SocketPair> heldPairs = Tuples.pairs(held);
      for (int i = 0;
          i < 3
              && !(fromOshi.table().watchedInTimeWait().equals(heldPairs)
                  && fromProc.table().watchedInTimeWait().equals(heldPairs));
          i++) {
        fromOshi = oshi.sampleTable(made);
        fromProc = new LinuxProcCollector().sampleTable(made);
      }
      guard.assumeTableHadRoom();
      long activeAfter = new LinuxProcCollector().sampleCounters().counters().activeOpens();

      assertEquals("oshi", fromOshi.collector());
      assertEquals(fromProc.table().watchedInTimeWait(), fromOshi.table().watchedInTimeWait());
      assertTrue(
          held.size() >= clients.size() - 3,
          "the kernel holds the sockets the test closed first: "
              + held.size()
              + " of "
              + clients.size());
      assertEquals(heldPairs, fromProc.table().watchedInTimeWait());
      assertEquals(
          LiveTimeWaitTest.group(fromProc.table(), "127.0.0.1", client.port()).timeWait(),
          LiveTimeWaitTest.group(fromOshi.table(), "127.0.0.1", client.port()).timeWait());
      assertEquals(
          LiveTimeWaitTest.group(fromProc.table(), "::1", v6.port()).timeWait(),
          LiveTimeWaitTest.group(fromOshi.table(), "::1", v6.port()).timeWait());
      assertEquals(
          serverGroup(fromProc.table(), server.port()),
          serverGroup(fromOshi.table(), server.port()));
      assertTrue(serverGroup(fromOshi.table(), server.port()).timeWait() >= 22);
      assertEquals(fromProc.os().kernelRelease(), fromOshi.os().kernelRelease());
      long oshiActive = fromOshi.counters().activeOpens();
      assertTrue(
          activeBefore <= oshiActive && oshiActive <= activeAfter,
          activeBefore + " <= " + oshiActive + " <= " + activeAfter);
      assertNull(fromOshi.table().remaining(), "OSHI gives no timers");
      assertTrue(fromOshi.unavailable().contains("TIME_WAIT remaining time: not given by OSHI"));
      assertTrue(
          fromOshi.nat().natInterfaces().isEmpty() == fromProc.nat().natInterfaces().isEmpty());
    }
  }

  @Test
  void saysItIgnoresAHostRoot(@TempDir Path dir) {
    HostSample sample = new OshiHostCollector(HostRoot.of(dir)).sampleCounters();

    assertEquals(
        "host root " + dir + ": ignored, OSHI reads the running host only",
        sample.unavailable().get(0));
    assertNull(sample.table());
    assertNull(sample.counters().sockstatTw());
  }

  private static ServerTimeWaitGroup serverGroup(ConnectionTable table, int port) {
    return table.serverGroups().stream()
        .filter(g -> g.localPort() == port)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no server group for port " + port));
  }
}
