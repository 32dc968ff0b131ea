package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcNetTcpTableTest {

  private static String fixture(String name) throws IOException {
    try (InputStream in = ProcNetTcpTableTest.class.getResourceAsStream("/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String describe(ProcNetTcpTable.Row row) {
    return SocketAddresses.format(row.local())
        + " "
        + SocketAddresses.format(row.remote())
        + " "
        + row.state();
  }

  @Test
  void ipv4RowsAreLittleEndianWordsWithHexPorts() throws IOException {
    List<String> rows =
        ProcNetTcpTable.parse(fixture("proc-net-tcp.txt")).stream()
            .map(ProcNetTcpTableTest::describe)
            .toList();

    assertEquals(
        List.of(
            "0.0.0.0:2024 0.0.0.0:0 10",
            "127.0.0.1:8080 127.0.0.1:40000 6",
            "127.0.0.1:40002 127.0.0.1:8080 8"),
        rows);
  }

  @Test
  void ipv6RowsReverseEachWordAndMapIpv4() throws IOException {
    List<String> rows =
        ProcNetTcpTable.parse(fixture("proc-net-tcp6.txt")).stream()
            .map(ProcNetTcpTableTest::describe)
            .toList();

    assertEquals(
        List.of(
            "127.0.0.1:44581 127.0.0.1:46796 6",
            "[::1]:39638 [::1]:23999 6",
            "[2001:db8::1]:80 [::]:0 10"),
        rows);
  }
}
