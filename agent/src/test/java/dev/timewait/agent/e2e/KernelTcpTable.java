package dev.timewait.agent.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The kernel's TCP table from {@code /proc/net/tcp} and {@code tcp6}, as tests need it. */
final class KernelTcpTable {
  static final Path TCP = Path.of("/proc/net/tcp");
  static final Path TCP6 = Path.of("/proc/net/tcp6");
  static final int TIME_WAIT = 0x06;
  static final int LISTEN = 0x0A;

  record Row(String local, String remote, int state, long inode) {}

  private final List<Row> rows;

  private KernelTcpTable(List<Row> rows) {
    this.rows = rows;
  }

  static boolean available() {
    return Files.isReadable(TCP);
  }

  static KernelTcpTable read() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Path file : List.of(TCP, TCP6)) {
      if (!Files.isReadable(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file);
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        rows.add(
            new Row(
                endpoint(f[1]), endpoint(f[2]), Integer.parseInt(f[3], 16), Long.parseLong(f[9])));
      }
    }
    return new KernelTcpTable(rows);
  }

  boolean inTimeWait(String local, String remote) {
    for (Row row : rows) {
      if (row.state() == TIME_WAIT && row.local().equals(local) && row.remote().equals(remote)) {
        return true;
      }
    }
    return false;
  }

  /** Local addresses of the sockets that process {@code pid} listens on. */
  List<String> listeners(long pid) throws IOException {
    java.util.Set<Long> inodes = new java.util.HashSet<>();
    try (java.util.stream.Stream<Path> fds =
        Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
          }
        } catch (IOException closedMeanwhile) {
          // the descriptor went away while listing
        }
      }
    }
    List<String> listening = new ArrayList<>();
    for (Row row : rows) {
      if (row.state() == LISTEN && inodes.contains(row.inode())) {
        listening.add(row.local());
      }
    }
    return listening;
  }

  /** {@code 0100007F:1F90} to {@code 127.0.0.1:8080}; words are in host (little-endian) order. */
  static String endpoint(String hex) {
    int colon = hex.indexOf(':');
    String address = hex.substring(0, colon);
    int port = Integer.parseInt(hex.substring(colon + 1), 16);
    byte[] bytes = new byte[address.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      long value = Long.parseLong(address.substring(word * 8, word * 8 + 8), 16);
      for (int b = 0; b < 4; b++) {
        bytes[word * 4 + b] = (byte) (value >>> (8 * b));
      }
    }
    try {
      InetAddress ip = InetAddress.getByAddress(bytes); // IPv4-mapped IPv6 comes back as IPv4
      String text = ip.getHostAddress();
      return (text.contains(":") ? "[" + text + "]" : text) + ":" + port;
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(hex, e);
    }
  }
}
