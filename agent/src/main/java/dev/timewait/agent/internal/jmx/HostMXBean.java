package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Host}: the host's TIME_WAIT situation as this JVM's agent samples it,
 * and how much of it this JVM's code owns.
 */
@Description("The host's TIME_WAIT situation as sampled by this JVM's agent")
public interface HostMXBean {
  @Description("Kernel release, e.g. 6.1.0-18-amd64")
  String getKernel();

  @Description("How the host is sampled: linux-proc or oshi")
  String getCollector();

  @Description("TIME_WAIT sockets on the host now (-1 when unknown)")
  long getTimeWait();

  @Description("CLOSE_WAIT sockets on the host at the last table sample (-1 when unknown)")
  long getCloseWait();

  @Description("Client-side TIME_WAIT by destination, keyed 'localIp -> remoteIp:port'")
  Map<String, Long> getTimeWaitByDestination();

  @Description("Share of the usable ephemeral port range each client destination uses, 0..1")
  Map<String, Double> getPortRangeUseByDestination();

  @Description("Server-side TIME_WAIT by local listening port")
  Map<String, Long> getTimeWaitByListeningPort();

  @Description("This JVM's recent active closes that the kernel holds in TIME_WAIT")
  long getConfirmedTimeWait();

  @Description(
      "Share of this JVM's recent active closes the kernel holds in TIME_WAIT, 0..1 (-1: none)")
  double getConfirmedShare();

  @Description("Share of the host's TIME_WAIT sockets this JVM's code owns, 0..1 (-1: none)")
  double getOwnedShareOfHost();

  @Description("TIME_WAIT sockets on the host owned by each close site of this JVM")
  Map<String, Long> getOwnedTimeWaitBySite();

  @Description(
      "Closes that skipped TIME_WAIT because tcp_max_tw_buckets was full (TcpExt"
          + " TCPTimeWaitOverflow since boot, -1 when unknown)")
  long getTimeWaitOverflows();

  @Description("net.ipv4.tcp_max_tw_buckets (-1 when unknown)")
  long getMaxTimeWaitBuckets();

  @Description("net.ipv4.tcp_tw_recycle: 0 or 1, -1 when the kernel has none (4.12 and later)")
  int getTwRecycle();

  @Description("Milliseconds the last connection-table sample took")
  long getLastTableSampleMillis();

  @Description("What could not be sampled on this host, and why")
  String[] getUnavailable();
}
