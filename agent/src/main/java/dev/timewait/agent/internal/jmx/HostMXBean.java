package dev.timewait.agent.internal.jmx;

import java.util.Map;

/**
 * {@code dev.timewait:type=Host}: the host's TIME_WAIT situation as this JVM's agent samples it,
 * and how much of it this JVM's code owns.
 */
public interface HostMXBean {
  /** Kernel release, e.g. {@code 6.1.0-18-amd64}. */
  String getKernel();

  /** How the host is sampled: {@code linux-proc} or {@code oshi}. */
  String getCollector();

  /** TIME_WAIT sockets on the host now (-1 when unknown). */
  long getTimeWait();

  /** CLOSE_WAIT sockets on the host at the last table sample (-1 when unknown). */
  long getCloseWait();

  /** Client-side TIME_WAIT by destination, keyed {@code localIp -> remoteIp:port}. */
  Map<String, Long> getTimeWaitByDestination();

  /** Share of the usable ephemeral port range each destination uses, 0..1. */
  Map<String, Double> getPortRangeUseByDestination();

  /** Server-side TIME_WAIT by local listening port. */
  Map<String, Long> getTimeWaitByListeningPort();

  /** This JVM's recent active closes that the kernel holds in TIME_WAIT. */
  long getConfirmedTimeWait();

  /**
   * Share of this JVM's recent active closes that the kernel holds in TIME_WAIT, 0..1 (-1: none).
   */
  double getConfirmedShare();

  /**
   * Share of the host's TIME_WAIT sockets that this JVM's code owns, 0..1 (-1: none on the host).
   */
  double getOwnedShareOfHost();

  /** TIME_WAIT sockets on the host owned by each close site of this JVM. */
  Map<String, Long> getOwnedTimeWaitBySite();

  /** Milliseconds the last connection-table sample took. */
  long getLastTableSampleMillis();

  /** What could not be sampled on this host, and why. */
  String[] getUnavailable();
}
