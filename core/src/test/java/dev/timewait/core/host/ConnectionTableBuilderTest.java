package dev.timewait.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.linux.LinuxProcCollector;
import dev.timewait.testing.HostTreeBuilder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which side a TIME_WAIT row is on, and what its timer says. */
class ConnectionTableBuilderTest {

  static final String SERVER = "10.20.0.1";

  @TempDir Path dir;

  HostTreeBuilder tree() {
    return HostTreeBuilder.in(dir)
        .kernel("6.18.44")
        .sysctl("net.ipv4.tcp_tw_reuse", "2")
        .sysctl("net.ipv4.ip_local_port_range", "32768\t60999")
        .sysctl("net.ipv4.ip_local_reserved_ports", "");
  }

  ConnectionTable table(HostTreeBuilder tree) {
    return new LinuxProcCollector(HostRoot.of(tree.build())).sampleTable().table();
  }

  @Test
  void aStoppedServerOutsideTheEphemeralRangeIsTheServerSide() {
    HostTreeBuilder tree = tree();
    for (int i = 0; i < 3000; i++) {
      tree.timeWait(SERVER, 8080, "10.20." + (1 + i / 250) + "." + (i % 250), 40000 + i, 30);
    }
    ConnectionTable table = table(tree);
    assertEquals(List.of(), table.clientGroups(), "not 3,000 destinations of one socket each");
    assertEquals(List.of(new ServerTimeWaitGroup(8080, 3000, 3000, false)), table.serverGroups());
  }

  @Test
  void aStoppedServerOnAnEphemeralPortIsTheServerSide() {
    // a test server on port 0 that has stopped: its port is shared by every row
    HostTreeBuilder tree = tree();
    for (int i = 0; i < 200; i++) {
      tree.timeWait("127.0.0.1", 41234, "127.0.0.1", 50000 + i, 30);
    }
    // and its clients' side of the same connections: one destination, many local ports
    for (int i = 0; i < 200; i++) {
      tree.timeWait("127.0.0.1", 50000 + i, "127.0.0.1", 41234, 30);
    }
    ConnectionTable table = table(tree);
    assertEquals(List.of(new ServerTimeWaitGroup(41234, 200, 1, false)), table.serverGroups());
    assertEquals(1, table.clientGroups().size());
    assertEquals(200, table.clientGroups().get(0).timeWait());
    assertEquals(41234, table.clientGroups().get(0).remotePort());
  }

  @Test
  void aClientPortUsedForAFewDestinationsStaysTheClientSide() {
    HostTreeBuilder tree = tree();
    for (int d = 0; d < SharedPorts.DESTINATIONS; d++) {
      for (int i = 0; i < 3; i++) {
        tree.timeWait(SERVER, 40000 + i, "10.30.0." + (d + 1), 443, 30);
      }
    }
    ConnectionTable table = table(tree);
    assertEquals(SharedPorts.DESTINATIONS, table.clientGroups().size());
    assertEquals(List.of(), table.serverGroups());
  }

  /** Fewer destinations than the rows that make a shared endpoint a server. */
  private static final class SharedPorts {
    static final int DESTINATIONS = ConnectionTableBuilder.SHARED_ENDPOINT_ROWS - 1;
  }

  @Test
  void timersTellAgeReuseAndRecentRows() {
    HostTreeBuilder tree = tree().sysctl("net.ipv4.tcp_tw_reuse_delay", "2000");
    tree.timeWait(SERVER, 40000, "10.30.0.1", 443, 59.5); // 0.5 s old: not reusable yet
    tree.timeWait(SERVER, 40001, "10.30.0.1", 443, 57); // 3 s
    tree.timeWait(SERVER, 40002, "10.30.0.1", 443, 20); // 40 s
    ConnectionTable table = table(tree);
    ClientTimeWaitGroup group = table.clientGroups().get(0);
    assertEquals(2000, table.reuseAfterMillis());
    assertEquals(2L, group.reusableTimeWait());
    assertEquals(2L, group.recentTimeWait());
    assertEquals(40_000L, group.oldestAgeMillis());
  }

  @Test
  void aTableWithoutTimersSaysSo() {
    ConnectionTableBuilder builder =
        new ConnectionTableBuilder(new PortRange(32768, 60999, 0), null);
    TcpRow row = new TcpRow();
    row.state = TcpState.TIME_WAIT.code();
    TcpRow.setIpv4(row.local, 0x0a140001);
    TcpRow.setIpv4(row.remote, 0x0a1e0001);
    row.localPort = 40000;
    row.remotePort = 443;
    builder.accept(row);
    ClientTimeWaitGroup group = builder.build().clientGroups().get(0);
    assertEquals(null, group.reusableTimeWait());
    assertEquals(null, group.oldestAgeMillis());
    assertTrue(group.timeWait() == 1 && group.portsInUse() == 1);
  }
}
