package dev.timewait.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a small host tree ({@code proc/...}, {@code etc/...}) into a directory, for tests that
 * need a host in a given state:
 *
 * <pre>{@code
 * Path root = HostTreeBuilder.in(tempDir)
 *     .kernel("4.9.0")
 *     .sysctl("net.ipv4.tcp_tw_recycle", "1")
 *     .sysctlConf("/etc/sysctl.d/10-net.conf", "net.ipv4.tcp_tw_recycle = 1")
 *     .timeWait("10.0.0.5", 40000, "10.0.0.9", 8080)
 *     .build();
 * }</pre>
 *
 * Files not set are absent, which the collector reads as unknown. The tables are written in the
 * kernel's own format (little-endian hex words), which {@link KernelTcpTable} reads back.
 */
public final class HostTreeBuilder {

  private final Path dir;
  private final List<String> tcp = new ArrayList<>();
  private final List<String> tcp6 = new ArrayList<>();
  private String tableDir = "/proc/net";

  private HostTreeBuilder(Path dir) {
    this.dir = dir;
  }

  /** A public (not private, not CGNAT) address of the host {@link #healthy} describes. */
  public static final String LOCAL = "203.0.113.5";

  /** A public remote. */
  public static final String REMOTE = "198.51.100.7";

  /** A builder writing under {@code dir}. */
  public static HostTreeBuilder in(Path dir) {
    return new HostTreeBuilder(dir);
  }

  /**
   * A healthy current host: kernel 6.1, defaults, a 100-port ephemeral range (40000-40099) so that
   * tests reach port limits with few sockets, a few TIME_WAIT sockets, no NAT.
   */
  public static HostTreeBuilder healthy(Path dir) {
    return in(dir)
        .kernel("6.1.0-28-amd64")
        .sysctl("net.ipv4.tcp_tw_reuse", "2")
        .sysctl("net.ipv4.tcp_timestamps", "1")
        .sysctl("net.ipv4.tcp_fin_timeout", "60")
        .sysctl("net.ipv4.tcp_max_tw_buckets", "262144")
        .sysctl("net.ipv4.ip_local_port_range", "40000\t40099")
        .sysctl("net.ipv4.ip_local_reserved_ports", "")
        .sysctl("net.ipv4.ip_forward", "0")
        .sockstat(20, 3)
        .tcpExt("TW", 100, "PAWSActive", 0, "PAWSEstab", 0, "TCPTimeWaitOverflow", 0)
        .interfaces("lo", "eth0")
        .listen(8080)
        .socket(KernelTcpTable.ESTABLISHED, LOCAL, 8080, REMOTE, 51000)
        .timeWait(LOCAL, 40001, REMOTE, 443, 50)
        .timeWait(LOCAL, 40002, REMOTE, 443, 25)
        .timeWait(LOCAL, 40003, "198.51.100.8", 5432, 5);
  }

  /** A file with the given content, at a host path such as {@code /proc/net/dev}. */
  public HostTreeBuilder file(String hostPath, String content) {
    try {
      Path file = dir.resolve(hostPath.startsWith("/") ? hostPath.substring(1) : hostPath);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code /proc/sys/kernel/osrelease}. */
  public HostTreeBuilder kernel(String release) {
    return file("/proc/sys/kernel/osrelease", release + "\n");
  }

  /** A sysctl value under {@code /proc/sys}, named with dots ({@code net.ipv4.tcp_tw_reuse}). */
  public HostTreeBuilder sysctl(String name, String value) {
    return file("/proc/sys/" + name.replace('.', '/'), value + "\n");
  }

  /** A sysctl configuration file such as {@code /etc/sysctl.conf}, one argument per line. */
  public HostTreeBuilder sysctlConf(String hostPath, String... lines) {
    return file(hostPath, String.join("\n", lines) + "\n");
  }

  /** {@code /proc/net/sockstat} with the given TCP {@code inuse} and {@code tw}. */
  public HostTreeBuilder sockstat(long inUse, long timeWait) {
    return file(
        "/proc/net/sockstat",
        "sockets: used "
            + inUse
            + "\nTCP: inuse "
            + inUse
            + " orphan 0 tw "
            + timeWait
            + " alloc "
            + inUse
            + " mem 1\n");
  }

  /**
   * {@code /proc/net/netstat} with one {@code TcpExt} pair, e.g. {@code "TW", 10, "PAWSPassive",
   * 3}.
   */
  public HostTreeBuilder tcpExt(Object... namesAndValues) {
    return file("/proc/net/netstat", keyedPair("TcpExt", namesAndValues));
  }

  /** {@code /proc/net/snmp} with one {@code Tcp} pair, e.g. {@code "ActiveOpens", 10}. */
  public HostTreeBuilder tcpSnmp(Object... namesAndValues) {
    return file("/proc/net/snmp", keyedPair("Tcp", namesAndValues));
  }

  /** {@code /proc/net/dev} listing the given interfaces. */
  public HostTreeBuilder interfaces(String... names) {
    StringBuilder text =
        new StringBuilder("Inter-|   Receive |  Transmit\n face |bytes packets|bytes packets\n");
    for (String name : names) {
      text.append(String.format(Locale.ROOT, "%6s: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0%n", name));
    }
    return file("/proc/net/dev", text.toString());
  }

  /**
   * A socket in {@code state} (the kernel's code, e.g. {@link KernelTcpTable#ESTABLISHED}) in
   * {@code /proc/net/tcp} (IPv4) or {@code tcp6} (IPv6 addresses).
   */
  public HostTreeBuilder socket(
      int state, String localIp, int localPort, String remoteIp, int remotePort) {
    return socket(state, localIp, localPort, remoteIp, remotePort, 60, 0);
  }

  /**
   * A socket in {@code state} with {@code inode}, which a process's {@code fd} link names (see
   * {@link #process}).
   */
  public HostTreeBuilder socket(
      int state, String localIp, int localPort, String remoteIp, int remotePort, long inode) {
    return socket(state, localIp, localPort, remoteIp, remotePort, 60, inode);
  }

  /**
   * Writes the connection tables into {@code hostDir} instead of {@code /proc/net}: {@code
   * /proc/PID/net} for a process's network namespace.
   */
  public HostTreeBuilder tablesIn(String hostDir) {
    tableDir = hostDir;
    return this;
  }

  /**
   * A process {@code /proc/PID}: its {@code comm}, {@code cmdline}, {@code cgroup} (empty for
   * none), the {@code ns/net} link to {@code net:[netns]} and one {@code fd} link per socket inode.
   */
  public HostTreeBuilder process(
      long pid, String comm, String cgroup, long netns, long... socketInodes) {
    String proc = "/proc/" + pid;
    file(proc + "/comm", comm + "\n");
    file(proc + "/cmdline", comm + "\0--flag\0");
    file(proc + "/cgroup", cgroup);
    try {
      Path ns = dir.resolve(proc.substring(1) + "/ns");
      Files.createDirectories(ns);
      Files.createSymbolicLink(ns.resolve("net"), Path.of("net:[" + netns + "]"));
      Path fd = dir.resolve(proc.substring(1) + "/fd");
      Files.createDirectories(fd);
      Files.createSymbolicLink(fd.resolve("0"), Path.of("pipe:[" + pid + "]"));
      for (int i = 0; i < socketInodes.length; i++) {
        Files.createSymbolicLink(
            fd.resolve(String.valueOf(3 + i)), Path.of("socket:[" + socketInodes[i] + "]"));
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HostTreeBuilder socket(
      int state,
      String localIp,
      int localPort,
      String remoteIp,
      int remotePort,
      double remainingSeconds,
      long inode) {
    byte[] local = literal(localIp);
    byte[] remote = literal(remoteIp);
    List<String> rows = local.length == 4 ? tcp : tcp6;
    String timer =
        state == KernelTcpTable.TIME_WAIT
            ? String.format(Locale.ROOT, "03:%08X", Math.round(remainingSeconds * 100))
            : "00:00000000";
    rows.add(
        String.format(
            Locale.ROOT,
            "%4d: %s:%04X %s:%04X %02X 00000000:00000000 %s 00000000     0        0 %d 3 0",
            rows.size(),
            hexWords(local),
            localPort,
            hexWords(remote),
            remotePort,
            state,
            timer,
            inode));
    return this;
  }

  /** A TIME_WAIT socket with 60 s left. */
  public HostTreeBuilder timeWait(String localIp, int localPort, String remoteIp, int remotePort) {
    return socket(KernelTcpTable.TIME_WAIT, localIp, localPort, remoteIp, remotePort);
  }

  /** A TIME_WAIT socket with {@code remainingSeconds} of its 60 s left (its age is the rest). */
  public HostTreeBuilder timeWait(
      String localIp, int localPort, String remoteIp, int remotePort, double remainingSeconds) {
    return socket(
        KernelTcpTable.TIME_WAIT, localIp, localPort, remoteIp, remotePort, remainingSeconds, 0);
  }

  /**
   * {@code count} client TIME_WAIT sockets from {@code local}, ports from 40000, to {@code remote},
   * made at a steady rate over the last 60 s (their ages spread evenly): {@code count / 60}
   * connections a second.
   */
  public HostTreeBuilder clientTimeWait(String local, String remote, int port, int count) {
    for (int i = 0; i < count; i++) {
      timeWait(local, 40000 + i, remote, port, 60.0 - 60.0 * i / count);
    }
    return this;
  }

  /**
   * {@code count} client TIME_WAIT sockets made at {@code perSecond} connections a second, the
   * newest just now: a churn that started {@code count / perSecond} seconds ago.
   */
  public HostTreeBuilder churn(String local, String remote, int port, int count, double perSecond) {
    for (int i = 0; i < count; i++) {
      timeWait(local, 40000 + i, remote, port, 60.0 - i / perSecond);
    }
    return this;
  }

  /** A listening socket on all IPv4 addresses. */
  public HostTreeBuilder listen(int port) {
    return socket(KernelTcpTable.LISTEN, "0.0.0.0", port, "0.0.0.0", 0);
  }

  /**
   * Writes the connection tables (if any socket was added) and returns the tree's root, for core's
   * {@code HostRoot.of(..)}.
   */
  public Path build() {
    String header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when\n";
    if (!tcp.isEmpty() || !tcp6.isEmpty()) {
      file(tableDir + "/tcp", header + String.join("\n", tcp) + (tcp.isEmpty() ? "" : "\n"));
      file(tableDir + "/tcp6", header + String.join("\n", tcp6) + (tcp6.isEmpty() ? "" : "\n"));
    }
    return dir;
  }

  private static String keyedPair(String section, Object... namesAndValues) {
    StringBuilder names = new StringBuilder(section + ":");
    StringBuilder values = new StringBuilder(section + ":");
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      names.append(' ').append(namesAndValues[i]);
      values.append(' ').append(namesAndValues[i + 1]);
    }
    return names + "\n" + values + "\n";
  }

  private static byte[] literal(String ip) {
    try {
      return InetAddress.getByName(Tuple.ip(ip)).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  /** Words as a little-endian kernel prints them. */
  private static String hexWords(byte[] address) {
    StringBuilder hex = new StringBuilder();
    for (int word = 0; word < address.length / 4; word++) {
      for (int i = 3; i >= 0; i--) {
        hex.append(String.format(Locale.ROOT, "%02X", address[4 * word + i] & 0xff));
      }
    }
    return hex.toString();
  }
}
