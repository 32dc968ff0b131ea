package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Host}: the host's TIME_WAIT situation as this JVM's agent samples it,
 * and how much of it this JVM's code owns. A number that is not known yet (before the first sample)
 * or not at all (a setting this kernel lacks) is null: consoles show it as unavailable and the
 * Prometheus JMX exporter leaves the series out, rather than publishing a made-up -1.
 */
@Description("The host's TIME_WAIT situation as sampled by this JVM's agent")
public interface HostMXBean {
  @Description("Kernel release, e.g. 6.1.0-18-amd64")
  String getKernel();

  @Description("How the host is sampled: linux-proc or oshi")
  String getCollector();

  @Description(
      "The network namespace the host figures are of, as hostname/inode of /proc/self/ns/net:"
          + " JVMs that show the same one show the same host figures (absent until sampled, or"
          + " where there is no /proc)")
  String getNetworkNamespace();

  @Description("TIME_WAIT sockets on the host now (absent until sampled)")
  Long getTimeWait();

  @Description("CLOSE_WAIT sockets on the host at the last table sample (absent until sampled)")
  Long getCloseWait();

  @Description("Client-side TIME_WAIT by destination, keyed 'localIp -> remoteIp:port'")
  Map<String, Long> getTimeWaitByDestination();

  @Description("Share of the usable ephemeral port range each client destination uses, 0..1")
  Map<String, Double> getPortRangeUseByDestination();

  @Description("Server-side TIME_WAIT by local listening port")
  Map<String, Long> getTimeWaitByListeningPort();

  @Description(
      "This JVM's recent active closes that the kernel holds in TIME_WAIT (absent until the first"
          + " table sample)")
  Long getConfirmedTimeWait();

  @Description(
      "Share of this JVM's recent active closes the kernel holds in TIME_WAIT, 0..1 (absent until"
          + " sampled, or while there are no recent active closes)")
  Double getConfirmedShare();

  @Description(
      "Share of the host's TIME_WAIT sockets this JVM's code owns, 0..1 (absent until sampled, or"
          + " while the host has no TIME_WAIT socket)")
  Double getOwnedShareOfHost();

  @Description("TIME_WAIT sockets on the host owned by each close site of this JVM")
  Map<String, Long> getOwnedTimeWaitBySite();

  @Description(
      "Closes that skipped TIME_WAIT because tcp_max_tw_buckets was full (TcpExt"
          + " TCPTimeWaitOverflow since boot; absent until sampled)")
  Long getTimeWaitOverflows();

  @Description("net.ipv4.tcp_max_tw_buckets (absent until sampled)")
  Long getMaxTimeWaitBuckets();

  @Description(
      "net.ipv4.tcp_tw_recycle: 0 or 1; absent until sampled and on kernels that have none (4.12"
          + " and later)")
  Integer getTwRecycle();

  @Description("Milliseconds the last connection-table sample took (absent until the first)")
  Long getLastTableSampleMillis();

  @Description("What could not be sampled on this host, and why")
  String[] getUnavailable();
}
