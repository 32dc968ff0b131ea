package dev.timewait.stacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.timewait.core.host.SocketPair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcapReaderTest {
  private static final int FIN_ACK = 0x11;
  private static final int RST = 0x04;
  private static final int ACK = 0x10;

  @Test
  void finAndRstSegmentsAreReadWithTheirDirectionAndOthersSkipped() throws IOException {
    ByteArrayOutputStream file = header();
    record(file, ipv4(new byte[] {127, 0, 0, 1}, 40001, new byte[] {127, 0, 0, 1}, 21000, FIN_ACK));
    record(file, ipv4(new byte[] {127, 0, 0, 1}, 21000, new byte[] {127, 0, 0, 1}, 40001, ACK));
    record(file, ipv4(new byte[] {127, 0, 0, 1}, 21000, new byte[] {127, 0, 0, 1}, 40001, RST));
    byte[] loopback6 = new byte[16];
    loopback6[15] = 1;
    record(file, ipv6(loopback6, 40002, loopback6, 21000, FIN_ACK));

    List<PcapReader.Segment> segments = PcapReader.read(file.toByteArray());

    assertEquals(
        List.of(
            new PcapReader.Segment(
                new SocketPair("127.0.0.1", 40001, "127.0.0.1", 21000), true, false),
            new PcapReader.Segment(
                new SocketPair("127.0.0.1", 21000, "127.0.0.1", 40001), false, true),
            new PcapReader.Segment(new SocketPair("::1", 40002, "::1", 21000), true, false)),
        segments);
  }

  @Test
  void aConnectionIsClosedWholeWithAFinFromEachEndOrAReset() {
    SocketPair client = new SocketPair("127.0.0.1", 40001, "127.0.0.1", 21000);
    SocketPair server = new SocketPair("127.0.0.1", 21000, "127.0.0.1", 40001);
    SocketPair reset = new SocketPair("127.0.0.1", 40002, "127.0.0.1", 21000);
    SocketPair half = new SocketPair("127.0.0.1", 40003, "127.0.0.1", 21000);
    SocketPair other = new SocketPair("127.0.0.1", 40004, "127.0.0.1", 5432);
    List<PcapReader.Segment> segments =
        List.of(
            new PcapReader.Segment(client, true, false),
            new PcapReader.Segment(server, true, false),
            new PcapReader.Segment(reset, false, true),
            new PcapReader.Segment(half, true, false),
            new PcapReader.Segment(other, false, true));
    assertEquals(2, PcapReader.closedConnections(segments, 21000));
  }

  @Test
  void aFileThatIsNoCaptureIsRefused() {
    assertThrows(IOException.class, () -> PcapReader.read(new byte[30]));
  }

  private static ByteArrayOutputStream header() {
    ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0);
    header.putInt(96).putInt(1); // snap length, Ethernet
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header.array());
    return out;
  }

  private static void record(ByteArrayOutputStream out, byte[] packet) {
    ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    record.putInt(0).putInt(0).putInt(packet.length).putInt(packet.length);
    out.writeBytes(record.array());
    out.writeBytes(packet);
  }

  private static byte[] ipv4(
      byte[] source, int sourcePort, byte[] destination, int port, int flags) {
    ByteBuffer packet = ByteBuffer.allocate(14 + 20 + 20);
    packet.position(12);
    packet.putShort((short) 0x0800);
    packet.put((byte) 0x45).put((byte) 0).putShort((short) 40).putInt(0);
    packet.put((byte) 64).put((byte) 6).putShort((short) 0).put(source).put(destination);
    tcp(packet, sourcePort, port, flags);
    return packet.array();
  }

  private static byte[] ipv6(
      byte[] source, int sourcePort, byte[] destination, int port, int flags) {
    ByteBuffer packet = ByteBuffer.allocate(14 + 40 + 20);
    packet.position(12);
    packet.putShort((short) 0x86dd);
    packet.putInt(0x60000000).putShort((short) 20).put((byte) 6).put((byte) 64);
    packet.put(source).put(destination);
    tcp(packet, sourcePort, port, flags);
    return packet.array();
  }

  private static void tcp(ByteBuffer packet, int sourcePort, int port, int flags) {
    packet.putShort((short) sourcePort).putShort((short) port).putInt(1).putInt(1);
    packet.put((byte) 0x50).put((byte) flags).putShort((short) 64).putInt(0);
  }
}
