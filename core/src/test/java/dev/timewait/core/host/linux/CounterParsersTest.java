package dev.timewait.core.host.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.timewait.core.host.KeyedCounters;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class CounterParsersTest {

  static String fixture(String hostPath) throws IOException {
    return Files.readString(Fixtures.path(Fixtures.LINUX_TREE + hostPath));
  }

  @Test
  void sockstatGivesTimeWaitAndInUse() throws IOException {
    KeyedCounters sockstat = SockstatParser.parse(fixture("/proc/net/sockstat"));

    assertEquals(15L, sockstat.get("TCP", "tw"));
    assertEquals(7L, sockstat.get("TCP", "inuse"));
    assertEquals(0L, sockstat.get("FRAG", "memory"));
    assertEquals(0, sockstat.malformedLines());
  }

  @Test
  void sockstatSkipsOddLines() {
    KeyedCounters sockstat = SockstatParser.parse("TCP: inuse 1 tw\nno colon here\nUDP: inuse 2\n");

    assertNull(sockstat.get("TCP", "tw"));
    assertEquals(2L, sockstat.get("UDP", "inuse"));
    assertEquals(2, sockstat.malformedLines());
  }

  @Test
  void netstatReadsCountersByName() throws IOException {
    KeyedCounters netstat = NetstatParser.parse(fixture("/proc/net/netstat"));

    assertEquals(25L, netstat.get("TcpExt", "TW"));
    assertEquals(24L, netstat.get("TcpExt", "TCPAbortOnData"));
    assertEquals(0L, netstat.get("TcpExt", "PAWSTimewait"));
    assertNull(netstat.get("TcpExt", "PAWSPassive"), "removed in 4.12");
    assertEquals(0, netstat.malformedLines());
  }

  @Test
  void snmpSharesTheFormat() throws IOException {
    KeyedCounters snmp = NetstatParser.parse(fixture("/proc/net/snmp"));

    assertEquals(51L, snmp.get("Tcp", "ActiveOpens"));
    assertEquals(18L, snmp.get("Tcp", "PassiveOpens"));
    assertEquals(-1L, snmp.get("Tcp", "MaxConn"));
  }

  @Test
  void netstatSkipsMismatchedPairs() {
    KeyedCounters netstat =
        NetstatParser.parse("TcpExt: A B\nTcpExt: 1\nIpExt: C\nIpExt: 3\nTcpExt: D\n");

    assertNull(netstat.get("TcpExt", "A"));
    assertEquals(3L, netstat.get("IpExt", "C"));
    assertEquals(2, netstat.malformedLines());
  }

  @Test
  void conntrackSumsPerCpuCounters() {
    String text =
        "entries  clashres found insert_failed\n"
            + "00000005  00000000 00000001 00000002\n"
            + "00000005  00000000 00000001 0000000a\n"
            + "bad line\n";

    KeyedCounters stat = ConntrackStatParser.parse(text);

    assertEquals(12L, stat.get("nf_conntrack", "insert_failed"));
    assertEquals(5L, stat.get("nf_conntrack", "entries"));
    assertEquals(1, stat.malformedLines());
  }

  @Test
  void conntrackFromTheCapturedTree() throws IOException {
    assertEquals(
        0L,
        ConntrackStatParser.parse(fixture("/proc/net/stat/nf_conntrack"))
            .get("nf_conntrack", "insert_failed"));
  }
}
