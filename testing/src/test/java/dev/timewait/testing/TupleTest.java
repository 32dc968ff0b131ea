package dev.timewait.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class TupleTest {

  @Test
  void addressesAreCanonical() {
    assertEquals("127.0.0.1", Tuple.ip("127.0.0.1"));
    assertEquals("::1", Tuple.ip("[::1]"));
    assertEquals("::1", Tuple.ip("0:0:0:0:0:0:0:1"));
    assertEquals("::", Tuple.ip("::"));
    assertEquals("10.0.0.1", Tuple.ip("::ffff:10.0.0.1"), "IPv4-mapped shown as IPv4");
    assertEquals("2001:db8::1", Tuple.ip("2001:DB8:0:0:0:0:0:1"), "lower case");
    assertEquals("2001:db8:0:1::", Tuple.ip("2001:db8:0:1:0:0:0:0"));
    assertEquals("1::2:0:0:3:4", Tuple.ip("1:0:0:2:0:0:3:4"), "the first of equal zero runs");
    assertEquals("2001:db8::1:0:0:1", Tuple.ip("2001:db8:0:0:1:0:0:1"));
    assertEquals("1:0:2:3:4:5:6:7", Tuple.ip("1:0:2:3:4:5:6:7"), "one zero group stays");
    assertEquals("fe80::1", Tuple.ip("fe80::1%1"), "no zone");
  }

  @Test
  void neverResolvesNames() {
    assertThrows(IllegalArgumentException.class, () -> Tuple.ip("example.com"));
    assertThrows(IllegalArgumentException.class, () -> Tuple.ip("10.0.1"));
    assertThrows(IllegalArgumentException.class, () -> Tuple.ip(""));
  }

  @Test
  void endpointsAreIpColonPortWithIpv6InBrackets() throws Exception {
    Tuple tuple = Tuple.parse("[0:0:0:0:0:0:0:1]:40000", "[::1]:8080");

    assertEquals(new Tuple("::1", 40000, "::1", 8080), tuple);
    assertEquals("[::1]:40000", tuple.local());
    assertEquals("[::1]:8080 [::1]:40000", tuple.reversed().toString());
    assertEquals(
        new Tuple("127.0.0.1", 1, "192.0.2.9", 443),
        Tuple.of(
            new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1),
            new InetSocketAddress(InetAddress.getByName("192.0.2.9"), 443)));
    assertThrows(IllegalArgumentException.class, () -> Tuple.parse("127.0.0.1", "[::1]:80"));
  }
}
