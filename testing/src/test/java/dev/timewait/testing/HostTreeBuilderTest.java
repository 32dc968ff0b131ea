package dev.timewait.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTreeBuilderTest {

  @Test
  void socketsAreWrittenAsTheKernelPrintsThem(@TempDir Path dir) throws Exception {
    Path root =
        HostTreeBuilder.in(dir)
            .listen(8080)
            .timeWait("10.0.0.5", 40000, "10.0.0.9", 8080)
            .socket(KernelTcpTable.CLOSE_WAIT, "::1", 5432, "::ffff:127.0.0.1", 41000)
            .socket(KernelTcpTable.ESTABLISHED, "2001:db8::1", 443, "2001:db8::2", 50000)
            .build();

    assertEquals(dir, root);
    List<KernelTcpTable.Row> v4 =
        KernelTcpTable.parse(Files.readString(root.resolve("proc/net/tcp")));
    assertEquals(
        List.of(
            new KernelTcpTable.Row(new Tuple("0.0.0.0", 8080, "0.0.0.0", 0), 0x0A, 0, 0, 0),
            new KernelTcpTable.Row(
                new Tuple("10.0.0.5", 40000, "10.0.0.9", 8080), 0x06, 3, 6000, 0)),
        v4);
    assertEquals(
        List.of(
            new KernelTcpTable.Row(new Tuple("::1", 5432, "127.0.0.1", 41000), 0x08, 0, 0, 0),
            new KernelTcpTable.Row(
                new Tuple("2001:db8::1", 443, "2001:db8::2", 50000), 0x01, 0, 0, 0)),
        KernelTcpTable.parse(Files.readString(root.resolve("proc/net/tcp6"))));
  }

  @Test
  void settingsAndCountersLandWhereTheKernelKeepsThem(@TempDir Path dir) throws Exception {
    Path root =
        HostTreeBuilder.in(dir)
            .kernel("6.1.0")
            .sysctl("net.ipv4.tcp_tw_reuse", "2")
            .tcpExt("TW", 10, "TCPTimeWaitOverflow", 3)
            .build();

    assertEquals("6.1.0\n", Files.readString(root.resolve("proc/sys/kernel/osrelease")));
    assertEquals("2\n", Files.readString(root.resolve("proc/sys/net/ipv4/tcp_tw_reuse")));
    assertEquals(
        "TcpExt: TW TCPTimeWaitOverflow\nTcpExt: 10 3\n",
        Files.readString(root.resolve("proc/net/netstat")));
    assertFalse(Files.exists(root.resolve("proc/net/tcp")), "no socket: no table");
  }
}
