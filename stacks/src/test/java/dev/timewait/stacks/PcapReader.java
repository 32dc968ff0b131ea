package dev.timewait.stacks;

import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the FIN and RST segments of a {@code tcpdump -w} capture (classic pcap, Ethernet or Linux
 * cooked framing, IPv4 and IPv6); every other packet is skipped.
 */
final class PcapReader {
  private static final int ETHERNET = 1;
  private static final int LINUX_COOKED = 113;
  private static final int FIN = 0x01;
  private static final int RST = 0x04;

  /** A FIN or RST segment, from {@code pair.local()} to {@code pair.remote()}. */
  record Segment(SocketPair pair, boolean fin, boolean rst) {}

  private PcapReader() {}

  /**
   * Connections to or from {@code port} whose close the segments show whole: a RST from either end,
   * or a FIN from each.
   */
  static long closedConnections(List<Segment> segments, int port) {
    Map<SocketPair, int[]> ends = new HashMap<>(); // by client end: FINs seen from client, server
    Set<SocketPair> reset = new HashSet<>();
    for (Segment segment : segments) {
      SocketPair pair = segment.pair();
      boolean fromServer = pair.localPort() == port;
      if (!fromServer && pair.remotePort() != port) {
        continue;
      }
      SocketPair client =
          fromServer
              ? new SocketPair(pair.remoteIp(), pair.remotePort(), pair.localIp(), pair.localPort())
              : pair;
      int[] fins = ends.computeIfAbsent(client, k -> new int[2]);
      if (segment.rst()) {
        reset.add(client);
      } else if (segment.fin()) {
        fins[fromServer ? 1 : 0]++;
      }
    }
    long closed = 0;
    for (Map.Entry<SocketPair, int[]> entry : ends.entrySet()) {
      int[] fins = entry.getValue();
      if (reset.contains(entry.getKey()) || (fins[0] > 0 && fins[1] > 0)) {
        closed++;
      }
    }
    return closed;
  }

  static List<Segment> read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  static List<Segment> read(byte[] bytes) throws IOException {
    if (bytes.length < 24) {
      throw new IOException("not a pcap file: " + bytes.length + " bytes");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int magic = in.getInt(0);
    if (magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1) {
      in.order(ByteOrder.BIG_ENDIAN);
    } else if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      throw new IOException("not a pcap file: magic " + Integer.toHexString(magic));
    }
    int linkType = in.getInt(20);
    if (linkType != ETHERNET && linkType != LINUX_COOKED) {
      throw new IOException("unexpected pcap link type " + linkType);
    }
    List<Segment> segments = new ArrayList<>();
    int at = 24;
    while (at + 16 <= bytes.length) {
      int captured = in.getInt(at + 8);
      int start = at + 16;
      if (captured < 0 || start + captured > bytes.length) {
        break; // cut short by the capture's end
      }
      Segment segment =
          segment(
              Arrays.copyOfRange(bytes, start, start + captured), linkType == ETHERNET ? 14 : 16);
      if (segment != null) {
        segments.add(segment);
      }
      at = start + captured;
    }
    return segments;
  }

  /** The packet's FIN or RST segment, or null for any other packet. */
  private static Segment segment(byte[] packet, int linkHeader) {
    if (packet.length < linkHeader + 20) {
      return null;
    }
    ByteBuffer p = ByteBuffer.wrap(packet).order(ByteOrder.BIG_ENDIAN);
    int etherType = p.getShort(linkHeader - 2) & 0xffff;
    int ip = linkHeader;
    byte[] source;
    byte[] destination;
    int tcp;
    if (etherType == 0x0800 && (packet[ip] >> 4) == 4 && packet[ip + 9] == 6) {
      source = Arrays.copyOfRange(packet, ip + 12, ip + 16);
      destination = Arrays.copyOfRange(packet, ip + 16, ip + 20);
      tcp = ip + (packet[ip] & 0x0f) * 4;
    } else if (etherType == 0x86dd && packet.length >= ip + 40 && packet[ip + 6] == 6) {
      source = Arrays.copyOfRange(packet, ip + 8, ip + 24);
      destination = Arrays.copyOfRange(packet, ip + 24, ip + 40);
      tcp = ip + 40;
    } else {
      return null; // not TCP, or IPv6 with extension headers, which loopback TCP does not use
    }
    if (packet.length < tcp + 14) {
      return null;
    }
    int flags = packet[tcp + 13] & 0xff;
    if ((flags & (FIN | RST)) == 0) {
      return null;
    }
    SocketPair pair =
        new SocketPair(
            text(source),
            p.getShort(tcp) & 0xffff,
            text(destination),
            p.getShort(tcp + 2) & 0xffff);
    return new Segment(pair, (flags & FIN) != 0, (flags & RST) != 0);
  }

  /** The address in the canonical text the kernel table's tuples use. */
  private static String text(byte[] address) {
    int[] words = new int[4];
    TcpRow.setAddress(words, address);
    return TcpRow.format(words);
  }
}
