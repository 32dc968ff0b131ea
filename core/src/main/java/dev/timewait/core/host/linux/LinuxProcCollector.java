package dev.timewait.core.host.linux;

import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.ConnectionTableBuilder;
import dev.timewait.core.host.ConntrackEntries;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.KernelSettings;
import dev.timewait.core.host.KeyedCounters;
import dev.timewait.core.host.NatSignalDetector;
import dev.timewait.core.host.NatSignals;
import dev.timewait.core.host.OsInfo;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.SysctlFileEntry;
import dev.timewait.core.host.TcpCounters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Samples a Linux host by reading {@code /proc} and {@code /etc} under a {@link HostRoot}: the fast
 * path, which streams the connection table instead of building an object per socket. Missing files
 * give unknown values and a line in {@link HostSample#unavailable()}; nothing here throws.
 */
public final class LinuxProcCollector implements HostCollector {

  /** Value of {@link HostSample#collector()}. */
  public static final String NAME = "linux-proc";

  private static final String[] TABLE_FILES = {"/proc/net/tcp", "/proc/net/tcp6"};

  /**
   * A read of the table stops after {@link #NANOS_PER_ROW} for each socket {@code sockstat} counted
   * before it, at least {@link #MIN_READ_NANOS} and at most {@link #MAX_READ_NANOS} (the most when
   * sockstat cannot be read). While connections open and close by the thousand a second, a read of
   * {@code /proc/net/tcp6} can chase the rows being added for as long as the churn lasts (seen
   * here: 9.6 s and 4 s of kernel CPU at 12,000 connections a second, against 0.2 s for the same
   * 110,000 rows once it stopped), and competes with the application for every bucket lock
   * meanwhile.
   */
  static final long NANOS_PER_ROW = 6_000;

  static final long MIN_READ_NANOS = 1_000_000_000L;

  static final long MAX_READ_NANOS = 5_000_000_000L;

  /**
   * A read that has taken {@link #MIN_READ_NANOS} and read more rows than this many times what
   * {@code sockstat} counted before it is chasing a churn, and stops.
   */
  static final double ROWS_OVER_SOCKSTAT = 1.5;

  /** Slack on {@link #ROWS_OVER_SOCKSTAT} for a small table. */
  static final long ROWS_SLACK = 1000;

  private static final String[] IPTABLES_NAMES = {
    "/proc/net/ip_tables_names", "/proc/net/ip6_tables_names"
  };

  private static final String CONNTRACK_TABLE = "/proc/net/nf_conntrack";

  /** Conntrack entries read per table sample: enough to see NAT, cheap on a busy NAT node. */
  static final int MAX_CONNTRACK_ENTRIES = 20_000;

  private final HostRoot root;

  /** Samples the running host. */
  public LinuxProcCollector() {
    this(HostRoot.live());
  }

  /** Samples the host whose files lie under {@code root}. */
  public LinuxProcCollector(HostRoot root) {
    this.root = root;
  }

  @Override
  public HostSample sampleCounters() {
    List<String> unavailable = new ArrayList<>();
    try {
      KernelSettings settings = readSettings(unavailable);
      List<String> counterNotes = new ArrayList<>();
      TcpCounters counters = readCounters(counterNotes);
      return sample(settings, counters, counterNotes, null, null, unavailable);
    } catch (RuntimeException e) {
      return failed(e, unavailable);
    }
  }

  @Override
  public HostSample sampleTable(Set<SocketPair> watched) {
    return sampleTable(watched, null);
  }

  /**
   * {@link #sampleTable(Set)}, with every row of the table, inode included, also handed to {@code
   * tap} in the same pass: what the tap sees is exactly what the sample counts.
   *
   * @param tap sees each row after the table has counted it; null for none
   */
  public HostSample sampleTable(Set<SocketPair> watched, ProcNetTcpParser.RowSink tap) {
    List<String> unavailable = new ArrayList<>();
    try {
      KernelSettings settings = readSettings(unavailable);
      // the counters before the table (see sampleTable(Set)); what they lack is listed where it
      // always was, after the table's
      List<String> counterNotes = new ArrayList<>();
      TcpCounters counters = readCounters(counterNotes);
      ConnectionTable table =
          readTable(settings, watched == null ? Set.of() : watched, tap, unavailable);
      return sample(
          settings, counters, counterNotes, table, readConntrackTable(unavailable), unavailable);
    } catch (RuntimeException e) {
      return failed(e, unavailable);
    }
  }

  /** A sample of unknowns: the parsers skip what they cannot read, so this is a last resort. */
  private HostSample failed(RuntimeException e, List<String> unavailable) {
    unavailable.add("everything: sampling failed: " + e);
    return HostSample.unknown(NAME, root.toString(), new OsInfo("Linux", null, null), unavailable);
  }

  /**
   * Counts TIME_WAIT sockets from {@code /proc/net/sockstat} only: constant cost whatever the
   * number of sockets. Includes FIN_WAIT2 mini-sockets. Null when unknown.
   */
  public Long timeWaitCount() {
    return SockstatParser.parse(root.read("/proc/net/sockstat")).get("TCP", "tw");
  }

  private KernelSettings readSettings(List<String> unavailable) {
    try {
      return SysctlReader.read(root, unavailable);
    } catch (RuntimeException e) {
      unavailable.add("sysctls: " + e);
      return KernelSettings.unknown();
    }
  }

  private HostSample sample(
      KernelSettings settings,
      TcpCounters counters,
      List<String> counterNotes,
      ConnectionTable table,
      ConntrackEntries conntrack,
      List<String> unavailable) {
    OsInfo os = readOs(unavailable);
    List<SysctlFileEntry> sysctlFiles = List.of();
    try {
      sysctlFiles = SysctlConfigScanner.scan(root);
    } catch (RuntimeException e) {
      unavailable.add("sysctl configuration files: " + e);
    }
    unavailable.addAll(counterNotes);
    NatSignals nat = readNat(settings, conntrack, unavailable);
    return new HostSample(
        Instant.now(),
        NAME,
        root.toString(),
        os,
        settings,
        sysctlFiles,
        counters,
        table,
        nat,
        unavailable);
  }

  private OsInfo readOs(List<String> unavailable) {
    String release = root.readLine("/proc/sys/kernel/osrelease");
    if (release == null) {
      unavailable.add("kernel release: /proc/sys/kernel/osrelease not found under " + root);
    }
    String description = null;
    String osRelease = root.read("/etc/os-release");
    if (osRelease != null) {
      for (String line : osRelease.split("\n")) {
        if (line.startsWith("PRETTY_NAME=")) {
          description = line.substring("PRETTY_NAME=".length()).replace("\"", "").strip();
        }
      }
    }
    return new OsInfo("Linux", description, release);
  }

  private TcpCounters readCounters(List<String> unavailable) {
    String sockstatText = root.read("/proc/net/sockstat");
    String netstatText = root.read("/proc/net/netstat");
    String snmpText = root.read("/proc/net/snmp");
    String conntrackText = root.read("/proc/net/stat/nf_conntrack");
    if (sockstatText == null) {
      unavailable.add("sockstat counters: /proc/net/sockstat not found under " + root);
    }
    if (netstatText == null) {
      unavailable.add("TcpExt counters: /proc/net/netstat not found under " + root);
    }
    if (snmpText == null) {
      unavailable.add("Tcp counters: /proc/net/snmp not found under " + root);
    }
    KeyedCounters sockstat = SockstatParser.parse(sockstatText);
    KeyedCounters netstat = NetstatParser.parse(netstatText);
    KeyedCounters snmp = NetstatParser.parse(snmpText);
    KeyedCounters conntrack = ConntrackStatParser.parse(conntrackText);
    return new TcpCounters(
        sockstat.get("TCP", "tw"),
        sockstat.get("TCP", "inuse"),
        netstat.get("TcpExt", "TW"),
        netstat.get("TcpExt", "TWKilled"),
        netstat.get("TcpExt", "TWRecycled"),
        netstat.get("TcpExt", "PAWSActive"),
        netstat.get("TcpExt", "PAWSEstab"),
        netstat.get("TcpExt", "PAWSPassive"),
        netstat.get("TcpExt", "PAWSTimewait"),
        netstat.get("TcpExt", "PAWSOldAck"),
        netstat.get("TcpExt", "TCPTimeWaitOverflow"),
        netstat.get("TcpExt", "TCPAbortOnData"),
        netstat.get("TcpExt", "TCPAbortOnClose"),
        snmp.get("Tcp", "ActiveOpens"),
        snmp.get("Tcp", "PassiveOpens"),
        conntrack.get("nf_conntrack", "insert_failed"),
        snmp.get("Tcp", "OutRsts"));
  }

  private NatSignals readNat(
      KernelSettings settings, ConntrackEntries conntrack, List<String> unavailable) {
    Boolean conntrackPresent = null;
    if (root.exists("/proc/sys/net/netfilter/nf_conntrack_count")
        || root.exists("/proc/net/stat/nf_conntrack")) {
      conntrackPresent = true;
    } else if (root.exists("/proc/sys/net/ipv4")) {
      conntrackPresent = false;
    }
    String dev = root.read("/proc/net/dev");
    if (dev == null) {
      unavailable.add("network interfaces: /proc/net/dev not found under " + root);
    }
    String fibTrie = root.read("/proc/net/fib_trie");
    if (fibTrie == null) {
      unavailable.add("local IPv4 addresses: /proc/net/fib_trie not found under " + root);
    }
    List<String> addresses = new ArrayList<>(FibTrieParser.localAddresses(fibTrie));
    addresses.addAll(IfInet6Parser.addresses(root.read("/proc/net/if_inet6")));
    List<String> natTables = new ArrayList<>();
    for (String file : IPTABLES_NAMES) {
      String names = root.read(file);
      if (names != null && List.of(names.split("\\s+")).contains("nat")) {
        natTables.add(file + ": nat");
      }
    }
    return NatSignalDetector.detect(
        settings, conntrackPresent, NetDevParser.interfaces(dev), addresses, natTables, conntrack);
  }

  /** The conntrack table's entries, or null when there is none to read. */
  private ConntrackEntries readConntrackTable(List<String> unavailable) {
    if (!root.exists(CONNTRACK_TABLE)) {
      return null;
    }
    try (InputStream in = root.open(CONNTRACK_TABLE)) {
      return ConntrackTableParser.parse(in, MAX_CONNTRACK_ENTRIES);
    } catch (IOException | RuntimeException e) {
      unavailable.add("conntrack entries: " + CONNTRACK_TABLE + " unreadable: " + e.getMessage());
      return null;
    }
  }

  private ConnectionTable readTable(
      KernelSettings settings,
      Set<SocketPair> watched,
      ProcNetTcpParser.RowSink tap,
      List<String> unavailable) {
    Long delay = settings.tcpTwReuseDelayMs();
    ConnectionTableBuilder builder =
        new ConnectionTableBuilder(
            settings.ipLocalPortRange(),
            watched,
            delay == null ? ConnectionTableBuilder.DEFAULT_REUSE_AFTER_MILLIS : delay);
    // No separate pass for listeners: each file prints its listeners before its other sockets, and
    // a server-side TIME_WAIT is in the same file as its listener (a dual-stack listener's children
    // are IPv6 sockets, in tcp6). A pass of its own would cost a walk of the whole connection hash.
    ProcNetTcpParser parser = new ProcNetTcpParser(true, tap != null);
    ProcNetTcpParser.RowSink sink =
        tap == null
            ? builder
            : row -> {
              boolean more = builder.accept(row);
              tap.accept(row);
              return more;
            };
    ReadBudget budget = new ReadBudget(expectedRows(), System::nanoTime);
    ProcNetTcpParser.RowSink bounded = row -> budget.take() && sink.accept(row);
    for (String file : TABLE_FILES) {
      if (budget.spent()) {
        break;
      }
      try (InputStream in = root.open(file)) {
        builder.addMalformed(parser.parse(in, bounded));
      } catch (NoSuchFileException e) {
        // a kernel without IPv6 has no tcp6, and no IPv6 socket: the table is still whole
        unavailable.add("connection table: " + file + " not found under " + root);
      } catch (IOException | RuntimeException e) {
        builder.markIncomplete();
        unavailable.add("connection table: " + file + " unreadable: " + e.getMessage());
      }
    }
    if (budget.spent()) {
      builder.markIncomplete();
      unavailable.add(
          "connection table: read stopped after "
              + budget.rows
              + " rows and "
              + TimeUnit.NANOSECONDS.toMillis(budget.elapsed())
              + " ms (sockstat counted "
              + budget.expected
              + " sockets before it): the table changed faster than it could be read, so its"
              + " counts are lower bounds");
    }
    return builder.build();
  }

  /**
   * The TCP sockets {@code sockstat} and {@code sockstat6} count now (in use and TIME_WAIT), or -1
   * when they cannot be read.
   */
  private long expectedRows() {
    try {
      KeyedCounters v4 = SockstatParser.parse(root.read("/proc/net/sockstat"));
      Long inUse = v4.get("TCP", "inuse");
      Long timeWait = v4.get("TCP", "tw");
      if (inUse == null || timeWait == null) {
        return -1;
      }
      String six = root.read("/proc/net/sockstat6");
      Long inUse6 = six == null ? null : SockstatParser.parse(six).get("TCP6", "inuse");
      return inUse + timeWait + (inUse6 == null ? 0 : inUse6);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /**
   * Stops a table read that runs past its time ({@link #NANOS_PER_ROW}), or past {@link
   * #MIN_READ_NANOS} with more rows than sockstat counted (with {@link #ROWS_OVER_SOCKSTAT} and
   * {@link #ROWS_SLACK}). The clock is looked at every 1,024 rows.
   */
  static final class ReadBudget {
    final long expected;
    private final LongSupplier clock;
    private final long started;
    private final long maxRows;
    private final long maxNanos;
    long rows;
    private boolean spent;

    ReadBudget(long expected, LongSupplier clock) {
      this.expected = expected;
      this.clock = clock;
      this.started = clock.getAsLong();
      this.maxRows =
          expected < 0 ? Long.MAX_VALUE : (long) (expected * ROWS_OVER_SOCKSTAT) + ROWS_SLACK;
      this.maxNanos =
          expected < 0
              ? MAX_READ_NANOS
              : Math.max(MIN_READ_NANOS, Math.min(MAX_READ_NANOS, expected * NANOS_PER_ROW));
    }

    /** Whether one more row may be read. */
    boolean take() {
      if (spent) {
        return false;
      }
      if ((rows & 1023) == 1023) {
        long elapsed = elapsed();
        if (elapsed > maxNanos || elapsed > MIN_READ_NANOS && rows >= maxRows) {
          spent = true;
          return false;
        }
      }
      rows++;
      return true;
    }

    boolean spent() {
      return spent;
    }

    long elapsed() {
      return clock.getAsLong() - started;
    }
  }
}
