package dev.timewait.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IpAddressesTest {

  @Test
  void canonicalAddressesCompareAcrossSources() {
    assertEquals("::1", IpAddresses.canonical("[::1]"));
    assertEquals("::1", IpAddresses.canonical("0:0:0:0:0:0:0:1"));
    assertEquals("10.0.0.1", IpAddresses.canonical("::ffff:10.0.0.1"));
    assertEquals("2001:db8::1:0:0:1", IpAddresses.canonical("2001:DB8:0:0:1:0:0:1"));
    assertEquals("2001:db8:0:1:1:1:1:1", IpAddresses.canonical("2001:db8:0:1:1:1:1:1"));
    assertEquals("fe80::1", IpAddresses.canonical("fe80::1%eth0"));
    assertNull(IpAddresses.canonical("example.com"), "never resolves names");
    assertNull(IpAddresses.canonical("10.0.1"));
    assertNull(IpAddresses.canonical(""));
  }

  @Test
  void endpointsAreIpColonPortWithIpv6CompressedInBrackets() throws Exception {
    assertEquals("127.0.0.1:8080", withPort("127.0.0.1", 8080));
    assertEquals("[::1]:8080", withPort("::1", 8080));
    assertEquals("[2001:db8::1]:443", withPort("2001:db8:0:0:0:0:0:1", 443));
    assertEquals("[2001:db8:0:1::]:1", withPort("2001:db8:0:1:0:0:0:0", 1));
    // the first of two equally long zero runs is the one compressed; a single zero group is not
    assertEquals("[1::2:0:0:3:4]:2", withPort("1:0:0:2:0:0:3:4", 2));
    assertEquals("[1:0:2:3:4:5:6:7]:3", withPort("1:0:2:3:4:5:6:7", 3));
    assertEquals("[::]:*", withPort("::", 0), "port 0: any port");
    assertEquals("?:80", IpAddresses.withPort((InetAddress) null, 80));
  }

  private static String withPort(String ip, int port) throws Exception {
    return IpAddresses.withPort(InetAddress.getByName(ip), port);
  }
}
