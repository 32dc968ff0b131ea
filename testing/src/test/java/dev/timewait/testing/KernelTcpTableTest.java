package dev.timewait.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KernelTcpTableTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in = KernelTcpTableTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Test
  void ipv4RowsAreLittleEndianWordsWithHexPorts() throws IOException {
    List<KernelTcpTable.Row> rows = KernelTcpTable.parse(fixture("proc-net-tcp.txt"));

    assertEquals(
        List.of(
            new KernelTcpTable.Row(new Tuple("0.0.0.0", 2024, "0.0.0.0", 0), 0x0A, 0, 0, 1078),
            new KernelTcpTable.Row(
                new Tuple("127.0.0.1", 8080, "127.0.0.1", 40000), 0x06, 3, 6000, 0),
            new KernelTcpTable.Row(
                new Tuple("127.0.0.1", 40002, "127.0.0.1", 8080), 0x08, 0, 0, 52311)),
        rows,
        "the header and the line that is not a row are skipped");
  }

  @Test
  void ipv6RowsReverseEachWordAndMapIpv4() throws IOException {
    List<KernelTcpTable.Row> rows = KernelTcpTable.parse(fixture("proc-net-tcp6.txt"));

    assertEquals(
        List.of(
            "127.0.0.1:44581 127.0.0.1:46796 6 3:2993",
            "[::1]:39638 [::1]:23999 6 3:5533",
            "[2001:db8::1]:80 [::]:0 10 0:0"),
        rows.stream()
            .map(r -> r.tuple() + " " + r.state() + " " + r.timer() + ":" + r.timerTicks())
            .toList());
  }

  @Test
  void aClosedConnectionIsInTimeWaitOnTheSideThatClosedFirst() throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs Linux /proc/net/tcp");
    TimeWaitOverflowGuard guard = TimeWaitOverflowGuard.start();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Tuple client;
      try (Socket socket = new Socket(server.getInetAddress(), server.getLocalPort());
          Socket accepted = server.accept()) {
        client = Tuple.of(socket);
        assertEquals(KernelTcpTable.ESTABLISHED, KernelTcpTable.read().state(client));
        socket.close();
        assertEquals(-1, accepted.getInputStream().read(), "the client's FIN");
      }
      KernelTcpTable table = awaitTimeWait(client);
      guard.assumeTableHadRoom();

      assertTrue(
          table.inTimeWait(client), client + " in " + table.timeWait(Set.of(client.remotePort())));
      assertEquals(KernelTcpTable.NONE, table.state(client.reversed()), "the server side is gone");
      assertTrue(table.timeWait(Set.of(server.getLocalPort())).contains(client));
      KernelTcpTable.Row row =
          table.rows().stream().filter(r -> r.tuple().equals(client)).findFirst().orElseThrow();
      assertEquals(KernelTcpTable.TIMER_TIME_WAIT, row.timer());
      assertTrue(row.timerTicks() > 0 && row.timerTicks() <= 6000, "at most 60 s left: " + row);
      List<Tuple> listening =
          table.listeners(ProcessHandle.current().pid()).stream()
              .filter(t -> t.localPort() == server.getLocalPort())
              .toList();
      // Java's sockets are dual-stack: the row is in tcp6, its peer the IPv6 wildcard
      assertEquals(
          List.of(new Tuple("127.0.0.1", server.getLocalPort(), "::", 0)),
          listening,
          "the listening socket, found by its inode among this JVM's descriptors");
    }
  }

  @Test
  void aProcessTableIsThatOfItsNetworkNamespace() throws Exception {
    assumeTrue(KernelTcpTable.available(), "needs Linux /proc/net/tcp");
    assumeTrue(unshareWorks(), "needs unshare -rn (util-linux, user namespaces)");
    try (ChildJvm child =
        ChildJvm.builder()
            .launcher("unshare", "-rn")
            .mainClass(ChildApp.class)
            .args("listen")
            .start()) {
      int port = Integer.parseInt(child.awaitValue("listening"));

      List<Tuple> inItsNamespace = KernelTcpTable.read(child.pid()).listeners(child.pid());
      assertEquals(List.of(port), inItsNamespace.stream().map(Tuple::localPort).toList());
      assertEquals(
          List.of(), KernelTcpTable.read().listeners(child.pid()), "not in this JVM's namespace");
    }
  }

  private static boolean unshareWorks() throws InterruptedException {
    try {
      Process p = new ProcessBuilder("unshare", "-rn", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** The last ACK may still be on its way. */
  private static KernelTcpTable awaitTimeWait(Tuple tuple) throws Exception {
    KernelTcpTable table = KernelTcpTable.read();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!table.inTimeWait(tuple) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      table = KernelTcpTable.read();
    }
    return table;
  }
}
