package dev.timewait.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SocketAddressesTest {

  private static String format(String ip, int port) throws Exception {
    return SocketAddresses.format(new InetSocketAddress(InetAddress.getByName(ip), port));
  }

  @Test
  void ipv4IsDottedQuad() throws Exception {
    assertEquals("127.0.0.1:8080", format("127.0.0.1", 8080));
  }

  @Test
  void ipv6IsCompressedAndBracketed() throws Exception {
    assertEquals("[::1]:8080", format("::1", 8080));
    assertEquals("[::]:0", format("::", 0));
    assertEquals("[2001:db8::1]:443", format("2001:db8:0:0:0:0:0:1", 443));
    assertEquals("[2001:db8:0:1::]:1", format("2001:db8:0:1:0:0:0:0", 1));
    // the first of two equally long zero runs is the one compressed; a single zero group is not
    assertEquals("[1::2:0:0:3:4]:2", format("1:0:0:2:0:0:3:4", 2));
    assertEquals("[1:0:2:3:4:5:6:7]:3", format("1:0:2:3:4:5:6:7", 3));
  }
}
