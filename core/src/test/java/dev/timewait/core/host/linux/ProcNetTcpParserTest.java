package dev.timewait.core.host.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpRow;
import dev.timewait.core.host.TcpState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcNetTcpParserTest {

  /** A row copied out of the parser's reused holder. */
  record Row(TcpState state, SocketPair pair, long timerTicks) {}

  static List<Row> rows(InputStream in, long[] malformed) throws IOException {
    List<Row> rows = new ArrayList<>();
    long count =
        new ProcNetTcpParser()
            .parse(
                in, row -> rows.add(new Row(row.tcpState(), row.toSocketPair(), row.timerTicks)));
    if (malformed != null) {
      malformed[0] = count;
    }
    return rows;
  }

  @Test
  void readsIpv4RowsCapturedFromTheKernel() throws IOException {
    long[] malformed = new long[1];
    List<Row> rows = rows(Fixtures.open(Fixtures.LINUX_TREE + "/proc/net/tcp"), malformed);

    assertEquals(16, rows.size());
    assertEquals(0, malformed[0]);
    assertEquals(
        new Row(TcpState.LISTEN, new SocketPair("0.0.0.0", 2024, "0.0.0.0", 0), TcpRow.NO_TIMER),
        rows.get(3));
    // "6: 0100007F:B3C0 0100007F:AC8F 06 ... 03:0000171E": 5918 ticks = 59.18 s left
    assertEquals(
        new Row(TcpState.TIME_WAIT, new SocketPair("127.0.0.1", 46016, "127.0.0.1", 44175), 0x171E),
        rows.get(6));
  }

  @Test
  void readsIpv6Rows() throws IOException {
    List<Row> rows = rows(Fixtures.open(Fixtures.LINUX_TREE + "/proc/net/tcp6"), null);

    assertEquals(8, rows.size());
    assertEquals(new SocketPair("::1", 34897, "::", 0), rows.get(0).pair());
    assertEquals(
        new Row(TcpState.TIME_WAIT, new SocketPair("::1", 43207, "::1", 53948), 0x1750),
        rows.get(6));
  }

  @Test
  void showsIpv4MappedAddressesAsIpv4() throws IOException {
    List<Row> rows = rows(Fixtures.open("/proc-net-tcp/tcp6-ipv4-mapped"), null);

    assertEquals(new SocketPair("::", 41569, "::", 0), rows.get(0).pair());
    assertEquals(new SocketPair("127.0.0.1", 41569, "127.0.0.1", 47142), rows.get(7).pair());
  }

  @Test
  void agreesWithSsOnTheCapturedTable() throws IOException {
    List<Row> rows = new ArrayList<>();
    rows.addAll(rows(Fixtures.open(Fixtures.LINUX_TREE + "/proc/net/tcp"), null));
    rows.addAll(rows(Fixtures.open(Fixtures.LINUX_TREE + "/proc/net/tcp6"), null));
    Set<String> parsed = new HashSet<>();
    for (Row row : rows) {
      if (row.state() != TcpState.LISTEN) {
        parsed.add(row.state().name().replace("_", "-") + " " + row.pair());
      }
    }

    Set<String> ss = new HashSet<>();
    for (String line :
        Files.readAllLines(Fixtures.path("/hostroot/linux-6.18-ss-tan.txt")).subList(1, 25)) {
      String[] f = line.trim().split("\\s+");
      if (!f[0].equals("LISTEN")) {
        String state = f[0].replace("ESTAB", "ESTABLISHED").replace("FIN-WAIT-2", "FIN-WAIT2");
        ss.add(state + " " + f[3] + " -> " + f[4]);
      }
    }
    assertEquals(ss, parsed);
  }

  @Test
  void readsEveryStateAndSkipsAndCountsMalformedLines() throws IOException {
    long[] malformed = new long[1];
    List<Row> rows = rows(Fixtures.open("/proc-net-tcp/tcp-odd-lines"), malformed);

    // 12 known states, plus one row with a code no kernel uses (0E), which is a row to the parser
    assertEquals(13, rows.size());
    for (int code = 1; code <= 12; code++) {
      assertEquals(TcpState.ofCode(code), rows.get(code - 1).state());
    }
    assertEquals(null, rows.get(12).state());
    // garbage, a bad state, a line cut in the remote address, a truncated last line
    assertEquals(4, malformed[0]);
  }

  @Test
  void skipsALineLongerThanTheBufferAndGoesOn() throws IOException {
    String row =
        "   0: 0100007F:B3C0 0100007F:AC8F 06 00000000:00000000 03:0000171E 00000000     0  0 0\n";
    String text = row + "x".repeat(200_000) + "\n" + row + row;

    long[] malformed = new long[1];
    List<Row> rows =
        rows(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)), malformed);

    assertEquals(3, rows.size());
    assertEquals(1, malformed[0]);
  }

  @Test
  void readsBigEndianWordsWhenToldTo() throws IOException {
    String row =
        "   0: 7F000001:B3C0 7F000002:AC8F 06 00000000:00000000 03:0000171E 00000000     0  0 0\n";
    List<SocketPair> pairs = new ArrayList<>();
    new ProcNetTcpParser(false)
        .parse(
            new ByteArrayInputStream(row.getBytes(StandardCharsets.US_ASCII)),
            r -> pairs.add(r.toSocketPair()));

    assertEquals(List.of(new SocketPair("127.0.0.1", 46016, "127.0.0.2", 44175)), pairs);
  }
}
