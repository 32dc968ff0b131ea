package dev.timewait.core.host.oshi;

import dev.timewait.core.host.ConnectionTable;
import dev.timewait.core.host.ConnectionTableBuilder;
import dev.timewait.core.host.HostCollector;
import dev.timewait.core.host.HostRoot;
import dev.timewait.core.host.HostSample;
import dev.timewait.core.host.IpAddresses;
import dev.timewait.core.host.KernelSettings;
import dev.timewait.core.host.NatSignalDetector;
import dev.timewait.core.host.NatSignals;
import dev.timewait.core.host.OsInfo;
import dev.timewait.core.host.SocketPair;
import dev.timewait.core.host.TcpCounters;
import dev.timewait.core.host.TcpRow;
import dev.timewait.core.host.TcpState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import oshi.SystemInfo;
import oshi.hardware.NetworkIF;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;
import oshi.software.os.InternetProtocolStats.TcpStats;
import oshi.software.os.OperatingSystem;

/**
 * Samples the running host through OSHI: works on Linux, macOS and Windows, but gives less than
 * {@link LinuxProcCollector} (no sysctls, no TIME_WAIT timers, no TcpExt counters) and costs far
 * more at large socket counts. Says in {@link HostSample#unavailable()} what the platform cannot
 * give. OSHI and JNA failures (missing native library, unsupported platform) are caught and
 * reported.
 */
public final class OshiHostCollector implements HostCollector {

  /** Value of {@link HostSample#collector()}. */
  public static final String NAME = "oshi";

  private final HostRoot requestedRoot;
  private final OperatingSystem os;
  private final SystemInfo systemInfo;
  private final String initFailure;

  /** Samples the running host. */
  public OshiHostCollector() {
    this(HostRoot.live());
  }

  /**
   * OSHI reads the running host only; a {@code root} other than {@code /} is noted in every sample
   * as ignored.
   */
  public OshiHostCollector(HostRoot root) {
    this.requestedRoot = root;
    SystemInfo info = null;
    OperatingSystem system = null;
    String failure = null;
    try {
      info = new SystemInfo();
      system = info.getOperatingSystem();
    } catch (Throwable e) { // JNA raises Errors (UnsatisfiedLinkError, NoClassDefFoundError)
      failure = e.toString();
    }
    this.systemInfo = info;
    this.os = system;
    this.initFailure = failure;
  }

  @Override
  public HostSample sampleCounters() {
    return sample(false, Set.of());
  }

  @Override
  public HostSample sampleTable(Set<SocketPair> watched) {
    return sample(true, watched);
  }

  private HostSample sample(boolean withTable, Set<SocketPair> watched) {
    List<String> unavailable = new ArrayList<>();
    if (!requestedRoot.isLive()) {
      unavailable.add("host root " + requestedRoot + ": ignored, OSHI reads the running host only");
    }
    if (os == null) {
      unavailable.add("everything: OSHI could not start: " + initFailure);
      return HostSample.unknown(NAME, "/", new OsInfo(null, null, null), unavailable);
    }
    OsInfo osInfo = osInfo(unavailable);
    boolean mac = "macOS".equals(osInfo.family());
    unavailable.add("sysctls and sysctl configuration files: not available through OSHI");
    unavailable.add(
        "TcpExt counters (TW, TWRecycled, PAWS*, overflow): not available through OSHI");
    TcpCounters counters = counters(osInfo, unavailable);
    ConnectionTable table = withTable ? table(watched, mac, unavailable) : null;
    NatSignals nat = nat(unavailable);
    return new HostSample(
        Instant.now(),
        NAME,
        "/",
        osInfo,
        KernelSettings.unknown(),
        List.of(),
        counters,
        table,
        nat,
        unavailable);
  }

  private OsInfo osInfo(List<String> unavailable) {
    try {
      OperatingSystem.OSVersionInfo version = os.getVersionInfo();
      String family = family(System.getProperty("os.name", ""));
      // OSHI reads the running host, whose kernel is the one this JVM reports
      String kernel =
          "Linux".equals(family) ? System.getProperty("os.version") : version.getBuildNumber();
      return new OsInfo(family, os.getFamily() + " " + version, kernel);
    } catch (Throwable e) {
      unavailable.add("OS version: " + e);
      return new OsInfo(null, null, null);
    }
  }

  private static String family(String osName) {
    String lower = osName.toLowerCase(java.util.Locale.ROOT);
    if (lower.startsWith("linux")) {
      return "Linux";
    }
    if (lower.startsWith("mac")) {
      return "macOS";
    }
    if (lower.startsWith("windows")) {
      return "Windows";
    }
    return osName;
  }

  private TcpCounters counters(OsInfo osInfo, List<String> unavailable) {
    Long active = null;
    Long passive = null;
    Long resets = null;
    try {
      InternetProtocolStats stats = os.getInternetProtocolStats();
      TcpStats v4 = stats.getTCPv4Stats();
      active = v4.getConnectionsActive();
      passive = v4.getConnectionsPassive();
      resets = v4.getOutResets();
      // Linux keeps one Tcp MIB for both families; elsewhere IPv6 is counted apart
      if (!"Linux".equals(osInfo.family())) {
        TcpStats v6 = stats.getTCPv6Stats();
        active += v6.getConnectionsActive();
        passive += v6.getConnectionsPassive();
        resets += v6.getOutResets();
      }
    } catch (Throwable e) {
      unavailable.add("Tcp counters: " + e);
    }
    unavailable.add("TIME_WAIT count without the table (sockstat): not available through OSHI");
    return new TcpCounters(
        null, null, null, null, null, null, null, null, null, null, null, null, null, active,
        passive, null, resets);
  }

  private ConnectionTable table(Set<SocketPair> watched, boolean mac, List<String> unavailable) {
    ConnectionTableBuilder builder = new ConnectionTableBuilder(null, watched);
    List<IPConnection> connections;
    try {
      connections = os.getInternetProtocolStats().getConnections();
    } catch (Throwable e) {
      unavailable.add("connection table: " + e);
      return builder.build();
    }
    if (mac) {
      unavailable.add("TIME_WAIT sockets: not visible through OSHI on macOS");
    }
    unavailable.add("TIME_WAIT remaining time: not given by OSHI");
    unavailable.add("ephemeral port range: not given by OSHI, ports in use count every port");
    TcpRow row = new TcpRow();
    // listeners first, so TIME_WAIT on a listening port is known to be server-side
    for (IPConnection connection : connections) {
      if (isTcp(connection) && connection.getState() == InternetProtocolStats.TcpState.LISTEN) {
        builder.markListening(connection.getLocalPort());
      }
    }
    for (IPConnection connection : connections) {
      if (!isTcp(connection)) {
        continue;
      }
      TcpState state = state(connection.getState());
      if (state == null
          || !TcpRow.setAddress(row.local, connection.getLocalAddress())
          || !TcpRow.setAddress(row.remote, connection.getForeignAddress())) {
        builder.addMalformed(1);
        continue;
      }
      row.state = state.code();
      row.localPort = connection.getLocalPort();
      row.remotePort = connection.getForeignPort();
      row.timerTicks = TcpRow.NO_TIMER;
      builder.accept(row);
    }
    return builder.build();
  }

  private static boolean isTcp(IPConnection connection) {
    String type = connection.getType();
    return type != null && type.startsWith("tcp");
  }

  private static TcpState state(InternetProtocolStats.TcpState state) {
    if (state == null) {
      return null;
    }
    return switch (state) {
      case CLOSED -> TcpState.CLOSE;
      case LISTEN -> TcpState.LISTEN;
      case SYN_SENT -> TcpState.SYN_SENT;
      case SYN_RECV -> TcpState.SYN_RECV;
      case ESTABLISHED -> TcpState.ESTABLISHED;
      case FIN_WAIT_1 -> TcpState.FIN_WAIT1;
      case FIN_WAIT_2 -> TcpState.FIN_WAIT2;
      case CLOSE_WAIT -> TcpState.CLOSE_WAIT;
      case CLOSING -> TcpState.CLOSING;
      case LAST_ACK -> TcpState.LAST_ACK;
      case TIME_WAIT -> TcpState.TIME_WAIT;
      default -> null;
    };
  }

  private NatSignals nat(List<String> unavailable) {
    List<String> names = new ArrayList<>();
    List<String> addresses = new ArrayList<>();
    try {
      for (NetworkIF networkIf : systemInfo.getHardware().getNetworkIFs(true)) {
        names.add(networkIf.getName());
        for (String address : networkIf.getIPv4addr()) {
          addIfLiteral(addresses, address);
        }
        for (String address : networkIf.getIPv6addr()) {
          addIfLiteral(addresses, address);
        }
      }
    } catch (Throwable e) {
      unavailable.add("network interfaces: " + e);
    }
    unavailable.add("conntrack and ip_forward: not available through OSHI");
    return NatSignalDetector.detect(KernelSettings.unknown(), null, names, addresses);
  }

  private static void addIfLiteral(List<String> addresses, String address) {
    String canonical = IpAddresses.canonical(address);
    if (canonical != null) {
      addresses.add(canonical);
    }
  }
}
