package dev.timewait.core.host.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.timewait.core.host.NatSignalDetector;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressParsersTest {

  @Test
  void fibTrieGivesLocalIpv4AddressesOnce() throws IOException {
    assertEquals(
        List.of("127.0.0.1", "192.0.2.2"),
        FibTrieParser.localAddresses(CounterParsersTest.fixture("/proc/net/fib_trie")));
  }

  @Test
  void ifInet6GivesIpv6Addresses() throws IOException {
    assertEquals(
        List.of("fe80::fc:ff:fe00:1", "::1", "fd00::2"),
        IfInet6Parser.addresses(CounterParsersTest.fixture("/proc/net/if_inet6")));
  }

  @Test
  void netDevGivesInterfaceNames() throws IOException {
    assertEquals(
        List.of("lo", "ifb0", "ifb1", "eth0"),
        NetDevParser.interfaces(CounterParsersTest.fixture("/proc/net/dev")));
  }

  @Test
  void classifiesPrivateAndCgnatAddresses() {
    assertTrue(NatSignalDetector.isPrivate("10.1.2.3"));
    assertTrue(NatSignalDetector.isPrivate("172.31.0.1"));
    assertFalse(NatSignalDetector.isPrivate("172.32.0.1"));
    assertTrue(NatSignalDetector.isPrivate("192.168.1.1"));
    assertTrue(NatSignalDetector.isPrivate("fd00::2"));
    assertFalse(NatSignalDetector.isPrivate("192.0.2.2"));
    assertTrue(NatSignalDetector.isCgnat("100.64.0.1"));
    assertTrue(NatSignalDetector.isCgnat("100.127.255.1"));
    assertFalse(NatSignalDetector.isCgnat("100.128.0.1"));
  }
}
