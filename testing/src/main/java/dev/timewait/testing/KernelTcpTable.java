package dev.timewait.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kernel's TCP table from {@code /proc/net/tcp} and {@code /proc/net/tcp6}, the truth tests
 * compare with. Written plainly (split on spaces, {@link InetAddress} for the address bytes) and
 * apart from core's streaming parser, so that the oracle shares no code with what it checks.
 *
 * <p>A row ({@code net/ipv4/tcp_ipv4.c}): {@code sl: local:port remote:port st tx:rx tr:when
 * retrnsmt uid timeout inode ...}; addresses are 32-bit words in the host's (little-endian) byte
 * order, ports and the rest plain hex or decimal.
 */
public final class KernelTcpTable {
  public static final int ESTABLISHED = 0x01;
  public static final int SYN_SENT = 0x02;
  public static final int SYN_RECV = 0x03;
  public static final int FIN_WAIT1 = 0x04;
  public static final int FIN_WAIT2 = 0x05;
  public static final int TIME_WAIT = 0x06;
  public static final int CLOSE = 0x07;
  public static final int CLOSE_WAIT = 0x08;
  public static final int LAST_ACK = 0x09;
  public static final int LISTEN = 0x0A;
  public static final int CLOSING = 0x0B;

  /** No socket with that 4-tuple. */
  public static final int NONE = -1;

  /** Timer kind ({@code tr}) of a TIME_WAIT row. */
  public static final int TIMER_TIME_WAIT = 3;

  private static final Path PROC = Path.of("/proc");

  /**
   * One socket.
   *
   * @param tuple its 4-tuple, from its own side
   * @param state the kernel's state code, e.g. {@link #TIME_WAIT}
   * @param timer the kind of timer running ({@code tr}: 0 none, 3 TIME_WAIT, ...)
   * @param timerTicks {@code tm->when}: USER_HZ ticks (usually 100 a second) until it fires
   * @param inode the socket's inode, 0 for TIME_WAIT rows (no process owns them)
   */
  public record Row(Tuple tuple, int state, int timer, long timerTicks, long inode) {}

  private final List<Row> rows;
  private final Map<Tuple, Integer> stateByTuple = new HashMap<>();

  private KernelTcpTable(List<Row> rows) {
    this.rows = List.copyOf(rows);
    for (Row row : rows) {
      stateByTuple.put(row.tuple(), row.state());
    }
  }

  /** Whether this host has the table (Linux). */
  public static boolean available() {
    return Files.isReadable(PROC.resolve("net/tcp"));
  }

  /** Both tables of this JVM's network namespace, as they are now. */
  public static KernelTcpTable read() throws IOException {
    return readDir(PROC.resolve("net"));
  }

  /** Both tables of the network namespace process {@code pid} is in ({@code /proc/PID/net}). */
  public static KernelTcpTable read(long pid) throws IOException {
    return readDir(PROC.resolve(Long.toString(pid)).resolve("net"));
  }

  private static KernelTcpTable readDir(Path net) throws IOException {
    List<Row> rows = new ArrayList<>(parse(Files.readString(net.resolve("tcp"))));
    Path tcp6 = net.resolve("tcp6");
    if (Files.isReadable(tcp6)) {
      rows.addAll(parse(Files.readString(tcp6)));
    }
    return new KernelTcpTable(rows);
  }

  /** The rows of either file's text; the header and lines that are not socket rows are skipped. */
  public static List<Row> parse(String text) {
    List<Row> rows = new ArrayList<>();
    for (String line : text.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !f[0].endsWith(":")) {
        continue;
      }
      try {
        String[] timer = f[5].split(":");
        rows.add(
            new Row(
                new Tuple(address(f[1]), port(f[1]), address(f[2]), port(f[2])),
                Integer.parseInt(f[3], 16),
                Integer.parseInt(timer[0], 16),
                Long.parseLong(timer[1], 16),
                Long.parseLong(f[9])));
      } catch (RuntimeException | UnknownHostException e) {
        // not a socket row
      }
    }
    return rows;
  }

  /** Every socket, IPv4 and IPv6. */
  public List<Row> rows() {
    return rows;
  }

  /** The state of the socket with this 4-tuple (from its own side), or {@link #NONE}. */
  public int state(Tuple tuple) {
    return stateByTuple.getOrDefault(tuple, NONE);
  }

  /** Whether the socket with this 4-tuple (from its own side) is in TIME_WAIT. */
  public boolean inTimeWait(Tuple tuple) {
    return state(tuple) == TIME_WAIT;
  }

  /** The TIME_WAIT 4-tuples with one of {@code ports} at either end. */
  public Set<Tuple> timeWait(Set<Integer> ports) {
    Set<Tuple> tuples = new HashSet<>();
    for (Row row : rows) {
      if (row.state() == TIME_WAIT
          && (ports.contains(row.tuple().localPort())
              || ports.contains(row.tuple().remotePort()))) {
        tuples.add(row.tuple());
      }
    }
    return tuples;
  }

  /** The sockets that process {@code pid} listens on (matched by inode with its descriptors). */
  public List<Tuple> listeners(long pid) throws IOException {
    Set<Long> inodes = new HashSet<>();
    try (Stream<Path> fds = Files.list(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
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
    List<Tuple> listening = new ArrayList<>();
    for (Row row : rows) {
      if (row.state() == LISTEN && inodes.contains(row.inode())) {
        listening.add(row.tuple());
      }
    }
    return listening;
  }

  /**
   * {@code 0100007F:1F90} is 127.0.0.1: each 32-bit word of 8 hex digits is printed in host
   * (little-endian) order, so its bytes come in reverse.
   */
  private static String address(String field) throws UnknownHostException {
    String hex = field.substring(0, field.indexOf(':'));
    if (hex.length() != 8 && hex.length() != 32) {
      throw new IllegalArgumentException("not an address: " + field);
    }
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      long value = Long.parseLong(hex.substring(word * 8, word * 8 + 8), 16);
      for (int b = 0; b < 4; b++) {
        bytes[word * 4 + b] = (byte) (value >>> (8 * b));
      }
    }
    return Tuple.ip(InetAddress.getByAddress(bytes));
  }

  private static int port(String field) {
    return Integer.parseInt(field.substring(field.indexOf(':') + 1), 16);
  }
}
