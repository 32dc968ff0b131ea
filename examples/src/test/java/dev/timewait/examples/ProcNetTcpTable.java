package dev.timewait.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kernel's TCP socket table as read from {@code /proc/net/tcp} and {@code /proc/net/tcp6}, for
 * checking what the scenarios leave behind.
 */
final class ProcNetTcpTable {
  static final int ESTABLISHED = 0x01;
  static final int TIME_WAIT = 0x06;
  static final int CLOSE_WAIT = 0x08;

  static final Path TCP = Path.of("/proc/net/tcp");
  static final Path TCP6 = Path.of("/proc/net/tcp6");

  /** One socket: its own address, its peer's, and its state (e.g. 06 TIME_WAIT). */
  record Row(InetSocketAddress local, InetSocketAddress remote, int state) {}

  private final List<Row> rows;
  private final Map<String, Integer> stateByTuple = new HashMap<>();

  private ProcNetTcpTable(List<Row> rows) {
    this.rows = List.copyOf(rows);
    for (Row row : rows) {
      stateByTuple.put(key(row.local(), row.remote()), row.state());
    }
  }

  /** Reads both files as they are now. */
  static ProcNetTcpTable read() throws IOException {
    List<Row> rows = new ArrayList<>(parse(Files.readString(TCP)));
    if (Files.exists(TCP6)) {
      rows.addAll(parse(Files.readString(TCP6)));
    }
    return new ProcNetTcpTable(rows);
  }

  /** The state of the socket with this local and remote address, or -1 when there is none. */
  int state(InetSocketAddress local, InetSocketAddress remote) {
    return stateByTuple.getOrDefault(key(local, remote), -1);
  }

  /** Every socket, IPv4 and IPv6. */
  List<Row> rows() {
    return rows;
  }

  /**
   * Parses the text of either file. Lines that are not socket rows (the header, anything odd) are
   * skipped.
   */
  static List<Row> parse(String text) {
    List<Row> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length < 4 || !fields[0].endsWith(":")) {
        continue;
      }
      try {
        rows.add(new Row(address(fields[1]), address(fields[2]), Integer.parseInt(fields[3], 16)));
      } catch (IllegalArgumentException | UnknownHostException e) {
        // not a socket row
      }
    }
    return rows;
  }

  /**
   * {@code 0100007F:1F90} is 127.0.0.1:8080: the address is printed as 32-bit words in host
   * (little-endian) order, so each word's bytes are reversed; the port is plain hex.
   */
  static InetSocketAddress address(String field) throws UnknownHostException {
    int colon = field.indexOf(':');
    if (colon != 8 && colon != 32) {
      throw new IllegalArgumentException("not an address: " + field);
    }
    String hex = field.substring(0, colon);
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int hexIndex = (word * 4 + 3 - i) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(hexIndex, hexIndex + 2), 16);
      }
    }
    // An IPv4-mapped IPv6 address comes back as an Inet4Address, as Java reports such sockets.
    return new InetSocketAddress(
        InetAddress.getByAddress(bytes), Integer.parseInt(field.substring(colon + 1), 16));
  }

  private static String key(InetSocketAddress local, InetSocketAddress remote) {
    return SocketAddresses.format(local) + " " + SocketAddresses.format(remote);
  }
}
